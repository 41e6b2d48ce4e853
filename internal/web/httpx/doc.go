// Package httpx is the atlas's HTTP plumbing, beneath pages and the API:
// errors and how they reach the client (Error, Classify, IsAPI), request
// deadlines, bodies read up to their route's limit, the client's address
// behind the trusted proxy, the methods each path answers, security
// headers, request metrics and the access log, /healthz, and the release
// fingerprint. It knows no page, no store and no service beyond the
// errors it classifies; the web package wires it with what only it knows
// (each route's body limit, the error page).
package httpx
