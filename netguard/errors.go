package netguard

import (
	"errors"
	"net/netip"
)

// Sentinel errors. Test with errors.Is: the errors this package returns
// wrap one of them.
var (
	// ErrBlocked is wrapped by every refusal: a *BlockedError from Check or
	// from a guarded dial, or a dial to an address that is not an IP.
	ErrBlocked = errors.New("address blocked by the network policy")

	// ErrInvalidPolicy is wrapped by Validate's errors.
	ErrInvalidPolicy = errors.New("invalid network policy")
)

// BlockedError is an address the Policy refuses. A guarded dial returns it
// wrapped in a *net.OpError (and, from an http.Client, in a *url.Error);
// errors.As finds it through both.
type BlockedError struct {
	Addr   netip.Addr // the address refused, as it was dialed
	Reason string     // why, e.g. "loopback address" or "cloud metadata endpoint"
	Hint   string     // Policy.Hint: how an operator changes the policy
}

func (e *BlockedError) Error() string {
	msg := "refusing to connect to " + e.Addr.String() + ": " + e.Reason
	if e.Hint != "" {
		msg += "; " + e.Hint
	}
	return msg
}

// Unwrap returns ErrBlocked.
func (e *BlockedError) Unwrap() error { return ErrBlocked }
