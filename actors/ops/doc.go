// Package ops is the catalogue of the operations a tenant answers: their names, their inputs and their
// answers, and the events tenants publish. It is the contract between the entry points (httpapi, the
// channel sessions, the benchmark) and the tenant core; it holds no behaviour beyond validating inputs.
package ops
