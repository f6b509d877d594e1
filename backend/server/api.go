package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"reflect"
	"runtime/debug"
	"sort"
	"strings"
)

// maxBodyBytes bounds the JSON body of an API call.
const maxBodyBytes = 8 << 20

// Coder is implemented by errors that carry an API error code such as "not_found", "conflict"
// or "bad_request". Errors without one (anywhere in their %w chain) are reported as "internal".
type Coder interface{ Code() string }

// codeStatus maps API error codes to HTTP statuses; other codes get 500.
var codeStatus = map[string]int{
	"bad_request":  http.StatusBadRequest,
	"unauthorized": http.StatusUnauthorized,
	"forbidden":    http.StatusForbidden,
	"not_found":    http.StatusNotFound,
	"conflict":     http.StatusConflict,
	"no_project":   http.StatusConflict, // the call needs the current project and none is open
	"unavailable":  http.StatusServiceUnavailable,
	"internal":     http.StatusInternalServerError,
}

var (
	errorType   = reflect.TypeFor[error]()
	contextType = reflect.TypeFor[context.Context]()
)

// method is one callable API method.
type method struct {
	name     string
	fn       reflect.Value
	params   []reflect.Type
	result   reflect.Type // nil when the method returns only an error or nothing
	hasError bool
}

// methodTable is the API's methods by name, built once by reflection.
type methodTable struct {
	byName map[string]*method
	log    *log.Logger
}

// newMethodTable reflects over api's exported methods. Methods whose shape cannot be served
// (context, func or chan parameters, variadic, results other than (), (error), (T), (T, error))
// are skipped with a note in the log, so lifecycle hooks like Startup(ctx) never become routes.
func newMethodTable(api any, logger *log.Logger) *methodTable {
	t := &methodTable{byName: map[string]*method{}, log: logger}
	if api == nil {
		return t
	}
	v := reflect.ValueOf(api)
	for i := range v.NumMethod() {
		name := v.Type().Method(i).Name
		m, err := newMethod(name, v.Method(i))
		if err != nil {
			logger.Printf("API method %s is not served: %v", name, err)
			continue
		}
		t.byName[name] = m
	}
	if len(t.byName) == 0 {
		logger.Printf("API %T has no servable exported methods", api)
	}
	return t
}

// newMethod checks fn's signature and describes it.
func newMethod(name string, fn reflect.Value) (*method, error) {
	ft := fn.Type()
	if ft.IsVariadic() {
		return nil, errors.New("variadic methods are not supported")
	}
	m := &method{name: name, fn: fn}
	for i := range ft.NumIn() {
		p := ft.In(i)
		if err := servableParam(p); err != nil {
			return nil, err
		}
		m.params = append(m.params, p)
	}
	return m, m.setResults(ft)
}

// servableParam reports why p cannot be decoded from JSON, if it cannot.
func servableParam(p reflect.Type) error {
	switch {
	case p.Implements(contextType):
		return fmt.Errorf("parameter %s: a context cannot come from a request", p)
	case p.Kind() == reflect.Func || p.Kind() == reflect.Chan || p.Kind() == reflect.UnsafePointer:
		return fmt.Errorf("parameter %s cannot be decoded from JSON", p)
	}
	return nil
}

// setResults accepts (), (error), (T) and (T, error).
func (m *method) setResults(ft reflect.Type) error {
	n := ft.NumOut()
	switch {
	case n == 0:
	case n == 1 && ft.Out(0) == errorType:
		m.hasError = true
	case n == 1:
		m.result = ft.Out(0)
	case n == 2 && ft.Out(1) == errorType:
		m.result, m.hasError = ft.Out(0), true
	default:
		return fmt.Errorf("results %s: want (), (error), (T) or (T, error)", ft)
	}
	return nil
}

// methodInfo describes a method for GET /api/methods.
type methodInfo struct {
	Name   string   `json:"name"`
	Params []string `json:"params"`
	Result string   `json:"result"` // "" when the method returns no value
	Error  bool     `json:"error"`  // whether the method can fail
}

// describe lists the methods sorted by name.
func (t *methodTable) describe() []methodInfo {
	out := make([]methodInfo, 0, len(t.byName))
	for _, m := range t.byName {
		info := methodInfo{Name: m.name, Params: m.paramNames(), Error: m.hasError}
		if m.result != nil {
			info.Result = m.result.String()
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// paramNames are the parameter types as Go spells them.
func (m *method) paramNames() []string {
	names := make([]string, len(m.params))
	for i, p := range m.params {
		names[i] = p.String()
	}
	return names
}

// serve handles POST /api/<name>.
func (t *methodTable) serve(w http.ResponseWriter, r *http.Request, name string) {
	m := t.byName[name]
	if m == nil {
		writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("no API method %q (GET /api/methods lists them)", name))
		return
	}
	if !requireMethod(w, r, http.MethodPost) {
		return
	}
	args, err := m.decodeArgs(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		status := http.StatusBadRequest
		if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
			status = http.StatusRequestEntityTooLarge
		}
		writeError(w, status, "bad_request", err.Error())
		return
	}
	result, err := t.call(m, args)
	if err != nil {
		status, code := errorCode(err)
		writeError(w, status, code, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, result)
}

// decodeArgs reads a JSON array (an empty body counts as []) into values of m's parameter types.
func (m *method) decodeArgs(body io.Reader) ([]reflect.Value, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, fmt.Errorf("reading the body of %s: %w", m.name, err)
	}
	var raw []json.RawMessage
	if len(strings.TrimSpace(string(data))) > 0 {
		if err := json.Unmarshal(data, &raw); err != nil {
			return nil, fmt.Errorf("%s: the body must be a JSON array of arguments: %v", m.name, err)
		}
	}
	if len(raw) != len(m.params) {
		return nil, m.arityError(len(raw))
	}
	args := make([]reflect.Value, len(raw))
	for i, p := range m.params {
		ptr := reflect.New(p)
		if err := json.Unmarshal(raw[i], ptr.Interface()); err != nil {
			return nil, fmt.Errorf("%s argument %d (%s): %v", m.name, i+1, p, err)
		}
		args[i] = ptr.Elem()
	}
	return args, nil
}

// arityError says how many arguments m wants, of which types, and how many it got.
func (m *method) arityError(got int) error {
	switch len(m.params) {
	case 0:
		return fmt.Errorf("%s expects no arguments, got %d", m.name, got)
	case 1:
		return fmt.Errorf("%s expects 1 argument (%s), got %d", m.name, m.params[0], got)
	}
	return fmt.Errorf("%s expects %d arguments (%s), got %d", m.name, len(m.params),
		strings.Join(m.paramNames(), ", "), got)
}

// call invokes m, turning a panic into an internal error (logged with its stack).
func (t *methodTable) call(m *method, args []reflect.Value) (result any, err error) {
	defer func() {
		if p := recover(); p != nil {
			t.log.Printf("panic in API method %s: %v\n%s", m.name, p, debug.Stack())
			result, err = nil, fmt.Errorf("%s failed unexpectedly (panic: %v)", m.name, p)
		}
	}()
	out := m.fn.Call(args)
	if m.hasError {
		if e := out[len(out)-1]; !e.IsNil() {
			return nil, e.Interface().(error)
		}
	}
	if m.result == nil {
		return nil, nil
	}
	return out[0].Interface(), nil
}

// errorCode maps err to an HTTP status and API code: a Coder in its chain decides, else internal.
func errorCode(err error) (int, string) {
	var c Coder
	if errors.As(err, &c) && c.Code() != "" {
		if status, ok := codeStatus[c.Code()]; ok {
			return status, c.Code()
		}
		return http.StatusInternalServerError, c.Code()
	}
	return http.StatusInternalServerError, "internal"
}

// apiError is the JSON body of every API error.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// writeError answers with status and {"code":…, "message":…}.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, apiError{Code: code, Message: msg})
}

// writeJSON answers with status and v as JSON (a value that cannot be encoded becomes a 500).
func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		data, _ = json.Marshal(apiError{Code: "internal", Message: "encoding the result: " + err.Error()})
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(data, '\n'))
}
