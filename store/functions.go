package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bucketFunctions holds deployed functions: one nested bucket per
// environment, integration and name, holding its state ("state"), each
// version's description ("v" + deploy number) and bundle bytes ("b" +
// deploy number). It is created by the first deploy.
var bucketFunctions = []byte("functions")

// KeepFunctionVersions is how many versions of a function the store keeps:
// a deploy past it drops the oldest inactive version.
const KeepFunctionVersions = 10

var functionStateKey = []byte("state")

// FunctionKey names a deployed function.
type FunctionKey struct {
	Environment string `json:"environment"`
	Integration string `json:"integration"` // the integration's unique key
	Name        string `json:"name"`
}

// String renders the key as environment/integration/name.
func (k FunctionKey) String() string { return k.Environment + "/" + k.Integration + "/" + k.Name }

func (k FunctionKey) bucketKey() ([]byte, error) {
	for _, p := range [][2]string{{"environment", k.Environment}, {"integration", k.Integration}, {"function name", k.Name}} {
		if err := checkKeyPart(p[0], p[1]); err != nil {
			return nil, err
		}
	}
	return []byte(k.Environment + "\x00" + k.Integration + "\x00" + k.Name), nil
}

// FunctionVersion is one deployed version of a function, without its
// bundle bytes (FunctionBundle reads them).
type FunctionVersion struct {
	FunctionKey
	Type       string          `json:"type"`    // sync, action or on-event
	Version    string          `json:"version"` // the manifest's
	Deploy     uint64          `json:"deploy"`  // the function's deploy counter: 1, 2, …
	Hash       string          `json:"hash"`
	Size       int             `json:"size"`
	Manifest   json.RawMessage `json:"manifest"`
	DeployedAt time.Time       `json:"deployed_at"`
	// Active is whether this is the version that runs; set on read.
	Active bool `json:"-"`
}

// functionState is a function's "state" value.
type functionState struct {
	Active uint64 `json:"active"`
	Last   uint64 `json:"last"` // the last deploy number handed out
}

func versionKey(prefix byte, deploy uint64) []byte {
	k := make([]byte, 9)
	k[0] = prefix
	binary.BigEndian.PutUint64(k[1:], deploy)
	return k
}

// DeployFunction stores wasm as a new version of the function v names and
// activates it. The integration must exist (ErrNotFound otherwise). The
// store sets Deploy, DeployedAt, Size and Active; past
// KeepFunctionVersions the oldest versions are dropped.
func (s *Store) DeployFunction(ctx context.Context, v FunctionVersion, wasm []byte) (FunctionVersion, error) {
	key, err := v.bucketKey()
	if err != nil {
		return FunctionVersion{}, fmt.Errorf("deploy function: %w", err)
	}
	ikey, _ := integrationKey(v.Environment, v.Integration)
	err = s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		if tx.Bucket(bucketIntegrations).Get(ikey) == nil {
			return false, fmt.Errorf("integration %q: %w", v.Integration, ErrNotFound)
		}
		top, err := tx.CreateBucketIfNotExists(bucketFunctions)
		if err != nil {
			return false, err
		}
		b, err := top.CreateBucketIfNotExists(key)
		if err != nil {
			return false, err
		}
		st, err := readFunctionState(b)
		if err != nil {
			return false, fmt.Errorf("function %s: %w", v.FunctionKey, err)
		}
		st.Last++
		st.Active = st.Last
		v.Deploy, v.DeployedAt, v.Size, v.Active = st.Last, s.now(), len(wasm), true
		desc, err := json.Marshal(v)
		if err != nil {
			return false, err
		}
		if err := b.Put(versionKey('v', v.Deploy), desc); err != nil {
			return false, err
		}
		if err := b.Put(versionKey('b', v.Deploy), wasm); err != nil {
			return false, err
		}
		if err := pruneVersions(b, st.Active); err != nil {
			return false, err
		}
		return true, writeFunctionState(b, st)
	})
	if err != nil {
		return FunctionVersion{}, fmt.Errorf("deploy function: %w", err)
	}
	return v, nil
}

// pruneVersions drops the oldest versions past KeepFunctionVersions,
// never the active one.
func pruneVersions(b *bolt.Bucket, active uint64) error {
	var deploys []uint64
	c := b.Cursor()
	for k, _ := c.Seek([]byte{'v'}); k != nil && k[0] == 'v'; k, _ = c.Next() {
		deploys = append(deploys, binary.BigEndian.Uint64(k[1:]))
	}
	for i := 0; len(deploys)-i > KeepFunctionVersions; i++ {
		if deploys[i] == active {
			continue
		}
		if err := b.Delete(versionKey('v', deploys[i])); err != nil {
			return err
		}
		if err := b.Delete(versionKey('b', deploys[i])); err != nil {
			return err
		}
	}
	return nil
}

func readFunctionState(b *bolt.Bucket) (functionState, error) {
	var st functionState
	if v := b.Get(functionStateKey); v != nil {
		if err := json.Unmarshal(v, &st); err != nil {
			return st, fmt.Errorf("decode state: %w", err)
		}
	}
	return st, nil
}

func writeFunctionState(b *bolt.Bucket, st functionState) error {
	v, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return b.Put(functionStateKey, v)
}

// functionBucket returns the function's bucket, or ErrNotFound.
func functionBucket(tx *bolt.Tx, k FunctionKey) (*bolt.Bucket, error) {
	key, err := k.bucketKey()
	if err != nil {
		return nil, err
	}
	if top := tx.Bucket(bucketFunctions); top != nil {
		if b := top.Bucket(key); b != nil {
			return b, nil
		}
	}
	return nil, fmt.Errorf("function %s: %w", k, ErrNotFound)
}

func readVersion(b *bolt.Bucket, deploy, active uint64) (FunctionVersion, error) {
	var v FunctionVersion
	raw := b.Get(versionKey('v', deploy))
	if raw == nil {
		return v, ErrNotFound
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, fmt.Errorf("decode version %d: %w", deploy, err)
	}
	v.Active = deploy == active
	return v, nil
}

// Function returns the active version of a function, or ErrNotFound.
func (s *Store) Function(ctx context.Context, k FunctionKey) (FunctionVersion, error) {
	var v FunctionVersion
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b, err := functionBucket(tx, k)
		if err != nil {
			return err
		}
		st, err := readFunctionState(b)
		if err != nil {
			return err
		}
		v, err = readVersion(b, st.Active, st.Active)
		return err
	})
	if err != nil {
		return FunctionVersion{}, fmt.Errorf("get function %s: %w", k, err)
	}
	return v, nil
}

// FunctionVersions returns the versions of a function kept by the store,
// oldest first, or ErrNotFound.
func (s *Store) FunctionVersions(ctx context.Context, k FunctionKey) ([]FunctionVersion, error) {
	var out []FunctionVersion
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b, err := functionBucket(tx, k)
		if err != nil {
			return err
		}
		st, err := readFunctionState(b)
		if err != nil {
			return err
		}
		c := b.Cursor()
		for key, _ := c.Seek([]byte{'v'}); key != nil && key[0] == 'v'; key, _ = c.Next() {
			v, err := readVersion(b, binary.BigEndian.Uint64(key[1:]), st.Active)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("function versions %s: %w", k, err)
	}
	return out, nil
}

// FunctionBundle returns a copy of the bundle bytes of one version of a
// function, or ErrNotFound.
func (s *Store) FunctionBundle(ctx context.Context, k FunctionKey, deploy uint64) ([]byte, error) {
	var wasm []byte
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b, err := functionBucket(tx, k)
		if err != nil {
			return err
		}
		raw := b.Get(versionKey('b', deploy))
		if raw == nil {
			return fmt.Errorf("version %d: %w", deploy, ErrNotFound)
		}
		wasm = bytes.Clone(raw)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("function bundle %s: %w", k, err)
	}
	return wasm, nil
}

// ActivateFunction makes a kept version of a function the active one and
// returns it; a version that is not kept is ErrNotFound.
func (s *Store) ActivateFunction(ctx context.Context, k FunctionKey, deploy uint64) (FunctionVersion, error) {
	var v FunctionVersion
	err := s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		b, err := functionBucket(tx, k)
		if err != nil {
			return false, err
		}
		st, err := readFunctionState(b)
		if err != nil {
			return false, err
		}
		if v, err = readVersion(b, deploy, deploy); err != nil {
			return false, fmt.Errorf("version %d: %w", deploy, err)
		}
		if st.Active == deploy {
			return false, nil
		}
		st.Active = deploy
		return true, writeFunctionState(b, st)
	})
	if err != nil {
		return FunctionVersion{}, fmt.Errorf("activate function %s: %w", k, err)
	}
	return v, nil
}

// DeleteFunction removes a function and every version of it, or reports
// ErrNotFound.
func (s *Store) DeleteFunction(ctx context.Context, k FunctionKey) error {
	key, err := k.bucketKey()
	if err != nil {
		return fmt.Errorf("delete function: %w", err)
	}
	return s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		top := tx.Bucket(bucketFunctions)
		if top == nil || top.Bucket(key) == nil {
			return false, fmt.Errorf("function %s: %w", k, ErrNotFound)
		}
		return true, top.DeleteBucket(key)
	})
}

// ListFunctions returns the active version of every function of an
// environment, by integration then name.
func (s *Store) ListFunctions(ctx context.Context, env string) ([]FunctionVersion, error) {
	if err := checkKeyPart("environment", env); err != nil {
		return nil, fmt.Errorf("list functions: %w", err)
	}
	prefix := append([]byte(env), 0)
	out := []FunctionVersion{}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		top := tx.Bucket(bucketFunctions)
		if top == nil {
			return nil
		}
		c := top.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			b := top.Bucket(k)
			if b == nil {
				continue
			}
			st, err := readFunctionState(b)
			if err != nil {
				return fmt.Errorf("function %q: %w", k, err)
			}
			v, err := readVersion(b, st.Active, st.Active)
			if err != nil {
				return fmt.Errorf("function %q: %w", k, err)
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}
