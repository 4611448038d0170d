package ops

// Op is an operation a tenant answers, declared once with its input and its answer: node.Call accepts
// only an In for it and returns its Out, and the tenant's routing table (tenant/routes.go) accepts only a
// handler of that shape. The name is the operation's identity on the wire between members.
type Op[In, Out any] struct{ name string }

// Declare names an operation; each name is declared once, in this package.
func Declare[In, Out any](name string) Op[In, Out] { return Op[In, Out]{name: name} }

// Name is the operation's wire name.
func (o Op[In, Out]) Name() string { return o.name }

// None is the input or the answer of an operation that has none; it encodes as {}.
type None struct{}
