package runner

import (
	"os"
	"strings"
	"sync"
)

// BootID is the kernel's id of the current boot ("" when unknown). A Group's StartTicks count
// from boot, so a Group recorded under another boot id must not be passed to KillStale.
var BootID = sync.OnceValue(func() string {
	b, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
})
