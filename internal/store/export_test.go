package store

// AttributeNew exposes attributeNew to the benchmarks of store_test: the
// work a save adds to compute and store its revision's attribution.
var AttributeNew = (*Store).attributeNew
