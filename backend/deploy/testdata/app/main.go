// A tiny HTTP app for the deploy tests: it serves the text of version.txt (read from the
// directory of its executable, that is its release) at / and answers /healthz with "ok",
// or with status 500 when the version is "broken" or the environment has APP_HEALTH=fail
// (a host whose configuration breaks the app); /pid answers its process id, which a
// restart changes. It retries its listen for a few
// seconds, so that a restart does not race the old process out of the port.
package main

import (
	"flag"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	exe, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(filepath.Dir(exe), "version.txt"))
	if err != nil {
		log.Fatal(err)
	}
	version := strings.TrimSpace(string(b))
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(version)) })
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		if version == "broken" || os.Getenv("APP_HEALTH") == "fail" {
			http.Error(w, "broken", http.StatusInternalServerError)
			return
		}
		w.Write([]byte("ok " + version))
	})
	http.HandleFunc("/pid", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(strconv.Itoa(os.Getpid()))) })
	var l net.Listener
	for range 50 {
		if l, err = net.Listen("tcp", *addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("serving %s on %s", version, l.Addr())
	log.Fatal(http.Serve(l, nil))
}
