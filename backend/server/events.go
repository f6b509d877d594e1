package server

import (
	"encoding/json"
	"log"
	"net/http"
	"strings"
	"sync"
	"time"
)

const (
	// clientBuffer is how many events may wait for one slow client before it is disconnected.
	clientBuffer = 256
	// writeTimeout bounds one write to an event stream, so a stalled client frees its handler.
	writeTimeout = 10 * time.Second
)

// client is one /api/events connection.
type client struct {
	frames  chan []byte   // formatted events, buffered
	dropped chan struct{} // closed when the hub drops the client
}

// hub fans events out to the connected clients without ever blocking the emitter.
type hub struct {
	mu      sync.Mutex
	clients map[*client]struct{}
	isDone  bool // set by close: no new clients
	log     *log.Logger
}

// newHub returns a hub with no clients.
func newHub(logger *log.Logger) *hub {
	return &hub{clients: map[*client]struct{}{}, log: logger}
}

// emit formats one event and queues it for every client, dropping clients whose queue is full.
func (h *hub) emit(topic string, payload any) {
	if h.count() == 0 {
		return // nobody listens: skip the encoding
	}
	data, err := json.Marshal(payload)
	if err != nil {
		h.log.Printf("event %q not sent: encoding its payload: %v", topic, err)
		return
	}
	if dropped := h.queue(formatEvent(topic, data)); dropped > 0 {
		h.log.Printf("event stream client dropped (%d): %d events behind; it will reconnect", dropped, clientBuffer)
	}
}

// queue offers frame to every client without blocking and returns how many were dropped
// because their queue was full.
func (h *hub) queue(frame []byte) (dropped int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		select {
		case c.frames <- frame:
		default:
			h.dropLocked(c)
			dropped++
		}
	}
	return dropped
}

// formatEvent renders one server-sent event. Line breaks in the topic would end the field early,
// so they become spaces; JSON never contains a raw line break.
func formatEvent(topic string, data []byte) []byte {
	topic = strings.NewReplacer("\r", " ", "\n", " ").Replace(topic)
	b := make([]byte, 0, len(topic)+len(data)+16)
	b = append(b, "event: "...)
	b = append(b, topic...)
	b = append(b, "\ndata: "...)
	b = append(b, data...)
	return append(b, "\n\n"...)
}

// add registers a new client; it returns nil once the hub is closed.
func (h *hub) add() *client {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.isDone {
		return nil
	}
	c := &client{frames: make(chan []byte, clientBuffer), dropped: make(chan struct{})}
	h.clients[c] = struct{}{}
	return c
}

// remove unregisters c if it is still registered.
func (h *hub) remove(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.dropLocked(c)
}

// dropLocked unregisters c and signals its handler; h.mu must be held.
func (h *hub) dropLocked(c *client) {
	if _, ok := h.clients[c]; ok {
		delete(h.clients, c)
		close(c.dropped)
	}
}

// count is the number of connected clients.
func (h *hub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients)
}

// close ends every stream and refuses new ones.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.isDone {
		return
	}
	h.isDone = true
	for c := range h.clients {
		h.dropLocked(c)
	}
}

// serve streams events to one client until it goes away, is dropped or the server shuts down.
func (h *hub) serve(w http.ResponseWriter, r *http.Request, heartbeat time.Duration) {
	c := h.add()
	if c == nil {
		writeError(w, http.StatusServiceUnavailable, "unavailable", "the server is shutting down")
		return
	}
	defer h.remove(c)
	hdr := w.Header()
	hdr.Set("Content-Type", "text/event-stream")
	hdr.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	s := stream{w: w, rc: http.NewResponseController(w)}
	if !s.write([]byte("retry: 1000\n: connected\n\n")) {
		return
	}
	s.loop(r, c, heartbeat)
}

// stream writes to one event-stream response with a deadline per write.
type stream struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

// loop forwards c's events and heartbeats until the request ends or c is dropped.
func (s stream) loop(r *http.Request, c *client, heartbeat time.Duration) {
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-c.dropped:
			return
		case <-tick.C:
			if !s.write([]byte(": heartbeat\n\n")) {
				return
			}
		case frame := <-c.frames:
			if !s.write(drain(frame, c.frames)) {
				return
			}
		}
	}
}

// drain joins first with every frame already queued, so a burst goes out in one write. Frames
// are shared between clients, so they are copied, never appended to.
func drain(first []byte, frames <-chan []byte) []byte {
	out := first
	for {
		select {
		case f := <-frames:
			if len(out) == len(first) {
				out = append(make([]byte, 0, 2*(len(first)+len(f))), first...)
			}
			out = append(out, f...)
		default:
			return out
		}
	}
}

// write sends b and flushes it; false means the client is gone or stalled.
func (s stream) write(b []byte) bool {
	_ = s.rc.SetWriteDeadline(time.Now().Add(writeTimeout))
	if _, err := s.w.Write(b); err != nil {
		return false
	}
	return s.rc.Flush() == nil
}
