package main

import (
	"bytes"
	"io"
	"net/http"
)

// sdkFront receives every request that is not for the control API. SOAP calls
// are counted and may be answered by the emulation; everything else (and every
// call the emulation leaves alone) goes to the library's own handler.
func (l *launcher) sdkFront() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || (r.URL.Path != "/sdk" && r.URL.Path != "/sdk/vimService") {
			l.stock.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		_ = r.Body.Close()
		if err != nil {
			http.Error(w, "cannot read request body", http.StatusBadRequest)
			return
		}
		call := &soapCall{w: w, r: r, body: body, method: sniffMethod(body)}
		l.counts.add(countKey(call.method))
		l.dispatch(call)
	})
}

// soapCall is one SOAP request on its way through the front.
type soapCall struct {
	w      http.ResponseWriter
	r      *http.Request
	body   []byte
	method string
}

// forward hands the (possibly rewritten) request to the library.
func (l *launcher) forward(call *soapCall) {
	call.r.Body = io.NopCloser(bytes.NewReader(call.body))
	call.r.ContentLength = int64(len(call.body))
	l.stock.ServeHTTP(call.w, call.r)
}

func countKey(method string) string {
	if method == "" {
		return "(not SOAP)"
	}
	return method
}
