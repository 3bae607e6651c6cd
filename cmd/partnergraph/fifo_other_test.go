//go:build !unix

package main

import "errors"

// mkfifo: named pipes that block like Unix ones exist on Unix only.
func mkfifo(string) error { return errors.ErrUnsupported }
