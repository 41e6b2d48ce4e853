package site

// MaxChoices bounds the people or sheets a filter or a suggestion lists.
const MaxChoices = 10
