package main

import (
	"net/http"
	"strings"

	"github.com/vmware/govmomi/vim25/types"
)

// injectFault answers call as the matched rule says. A vim fault fails the
// task of a *_Task method (after the method's task delay, as a slow vCenter
// operation would) and is a SOAP fault on the call for any other method.
func (l *launcher) injectFault(call *soapCall, rule faultRule) {
	logf("injecting %s into %s (%d left)", rule.Fault, call.method, rule.Remaining)
	switch rule.Fault {
	case faultHTTP500:
		http.Error(call.w, "Internal Server Error", http.StatusInternalServerError)
		return
	case faultDrop:
		dropConnection(call.w)
		return
	case faultHang:
		// a vCenter that never answers: the call is not carried out and only
		// the client's own timeout (or the launcher stopping) ends it
		<-call.r.Context().Done()
		return
	}
	fault, err := newVimFault(rule.Fault)
	if err != nil {
		writeFault(call.w, &types.SystemError{Reason: err.Error()}, "")
		return
	}
	if !strings.HasSuffix(call.method, "_Task") {
		writeFault(call.w, fault, "")
		return
	}
	if !l.authenticated(call) {
		return
	}
	method, ok := l.decodeOrFail(call)
	if !ok {
		return
	}
	if clone, ok := method.Body.(*types.CloneVM_Task); ok {
		if dup, ok := fault.(*types.DuplicateName); ok {
			dup.Name, dup.Object = clone.Name, clone.Folder
		}
	}
	ref := runTask(method.This, call.method, l.taskDelay(call.method), func() (types.AnyType, types.BaseMethodFault) {
		return nil, fault
	})
	writeTaskResponse(call.w, call.method, ref)
}

// dropConnection closes the TCP connection without an answer.
func dropConnection(w http.ResponseWriter) {
	if hijacker, ok := w.(http.Hijacker); ok {
		if conn, _, err := hijacker.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	// net/http's documented way to abort a response: it closes the connection
	panic(http.ErrAbortHandler)
}
