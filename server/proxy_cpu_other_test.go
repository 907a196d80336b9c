//go:build !unix

package server_test

import "time"

// processCPU is not measured on this platform: the CPU metric reads 0.
func processCPU() time.Duration { return 0 }
