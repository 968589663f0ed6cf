package main

import (
	"bytes"
	"io"
	"net/http/httptest"
)

const currentTimeCall = `<?xml version="1.0" encoding="UTF-8"?>` +
	`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>` +
	`<CurrentTime xmlns="urn:vim25"><_this type="ServiceInstance">ServiceInstance</_this></CurrentTime>` +
	`</soapenv:Body></soapenv:Envelope>`

// authenticated checks the caller's session before the emulation answers a
// call itself. The library keeps its sessions private, so we ask it: a
// CurrentTime with the caller's cookie succeeds only for a live session, and
// (like every authenticated call) refreshes its idle timer. On failure the
// library's own NotAuthenticated fault is passed back to the caller.
func (l *launcher) authenticated(call *soapCall) bool {
	probe := call.r.Clone(call.r.Context())
	probe.Body = io.NopCloser(bytes.NewReader([]byte(currentTimeCall)))
	probe.ContentLength = int64(len(currentTimeCall))
	rec := httptest.NewRecorder()
	l.stock.ServeHTTP(rec, probe)
	if rec.Code == 200 {
		return true
	}
	for k, v := range rec.Header() {
		call.w.Header()[k] = v
	}
	call.w.WriteHeader(rec.Code)
	_, _ = call.w.Write(rec.Body.Bytes())
	return false
}
