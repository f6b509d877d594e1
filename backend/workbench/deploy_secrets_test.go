package workbench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"eightfold/backend/config"
)

// An empty secret counts as not set (a CI secret that is not defined arrives empty): from
// the environment and from the secrets file alike, the message says it is not set, not that
// it is too short; a value in the file fills in for an empty variable.
func TestEmptySecretIsNotSet(t *testing.T) {
	file := filepath.Join(t.TempDir(), "secrets.env")
	if err := os.WriteFile(file, []byte("EF_TEST_TOKEN=\nEF_TEST_OTHER=a-long-enough-value\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("EF_TEST_TOKEN", "")
	t.Setenv("EF_TEST_OTHER", "")
	_, err := readSecrets(config.Target{Name: "staging", Secrets: []string{"EF_TEST_TOKEN"}, SecretsFile: file})
	if err == nil || !strings.Contains(err.Error(), "the secret EF_TEST_TOKEN of target staging is not set: set the environment variable EF_TEST_TOKEN or add EF_TEST_TOKEN=… to "+file+" (it is set but empty") ||
		strings.Contains(err.Error(), "shorter") {
		t.Errorf("an empty secret: %v", err)
	}
	got, err := readSecrets(config.Target{Name: "staging", Secrets: []string{"EF_TEST_OTHER"}, SecretsFile: file})
	if err != nil || got["EF_TEST_OTHER"] != "a-long-enough-value" {
		t.Errorf("an empty variable with the value in the file: %v, %v", got, err)
	}
}
