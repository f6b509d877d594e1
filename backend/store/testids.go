package store

import "sync"

// testKey names a test of a project.
type testKey struct {
	project     int64
	suite, name string
}

// maxTestIDs bounds the cache: past it, it starts again empty (a repository with more
// tests than that pays one upsert per test per run, as without a cache).
const maxTestIDs = 1 << 20

// testIDs caches the ids of recorded tests. Rows of tests are never deleted while the store
// is open (only with their project, which is never deleted), so a cached id stays right.
type testIDs struct {
	mu  sync.Mutex
	ids map[testKey]int64
}

func (c *testIDs) get(k testKey) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.ids[k]
	return id, ok
}

// testID is a test's key and its id.
type testID struct {
	key testKey
	id  int64
}

func (c *testIDs) addAll(ids []testID) {
	if len(ids) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ids == nil || len(c.ids)+len(ids) > maxTestIDs {
		c.ids = make(map[testKey]int64, len(ids))
	}
	for _, t := range ids {
		c.ids[t.key] = t.id
	}
}
