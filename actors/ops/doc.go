// Package ops is the catalogue of the operations a tenant answers: their names, their inputs and their
// answers, and the events tenants publish. It is the contract between the entry points (httpapi, the
// channel sessions, the benchmark) and the tenant core; it holds no behaviour beyond validating inputs.
//
// What clients see (API answers, WebSocket events, webhook bodies) are this package's view types
// (view_*.go), never storage rows: ops imports neither persistence nor sessions (imports_test.go), and
// the tenant core converts rows into views (actors/queries/views.go).
package ops
