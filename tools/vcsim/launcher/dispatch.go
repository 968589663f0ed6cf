package main

import (
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// dispatch decides who answers a SOAP call: an injected fault, one of the
// emulated methods, the async task runner, or the library itself.
func (l *launcher) dispatch(call *soapCall) {
	if rule, ok := l.faults.take(call.method, call.body); ok {
		l.injectFault(call, rule)
		return
	}
	if l.cfg.stock {
		l.forward(call)
		return
	}
	guard := &guardedWriter{ResponseWriter: call.w}
	call.w = guard
	defer recoverAsFault(call, guard)

	switch {
	case l.emulated(call):
	case strings.HasSuffix(call.method, "_Task") && l.taskDelay(call.method) > 0:
		l.delayedTask(call)
	default:
		l.forwardRetrying(call, guard)
	}
}

// emulated answers the methods whose library behaviour falls short of vCenter's.
func (l *launcher) emulated(call *soapCall) bool {
	switch call.method {
	case "CloneVM_Task":
		l.handleClone(call)
	case "CustomizeVM_Task":
		l.handleCustomize(call)
	case "ReconfigVM_Task":
		l.handleReconfig(call)
	case "ShutdownGuest", "RebootGuest":
		l.handleGuestPower(call)
	case "CreateSnapshot_Task":
		l.handleCreateSnapshot(call)
	case "RevertToSnapshot_Task":
		l.handleRevertSnapshot(call)
	case "RetrievePropertiesEx":
		return l.handlePagedRetrieve(call)
	case "ContinueRetrievePropertiesEx":
		return l.handleContinue(call)
	default:
		return false
	}
	return true
}

func (l *launcher) taskDelay(method string) time.Duration {
	if l.cfg.stock {
		return 0
	}
	return l.settings.taskDelay(method)
}

// delayedTask answers any other *_Task method at once with a queued task that
// runs the library's method when its delay is over.
func (l *launcher) delayedTask(call *soapCall) {
	if !l.authenticated(call) {
		return
	}
	method, ok := l.decodeOrFail(call)
	if !ok {
		return
	}
	// the library rejects this on the call, not in the task; keep that visible
	if vm := vmObject(method.This); vm != nil && call.method == "PowerOnVM_Task" && vm.Config.Template {
		writeFault(call.w, &types.InvalidState{}, "cannot powerOn a template")
		return
	}
	ref := runTask(method.This, call.method, l.taskDelay(call.method), func() (types.AnyType, types.BaseMethodFault) {
		return invokeTask(method)
	})
	writeTaskResponse(call.w, call.method, ref)
}

// decodeOrFail decodes the call and checks its target exists, answering the
// caller with the fault when not.
func (l *launcher) decodeOrFail(call *soapCall) (*simulator.Method, bool) {
	method, err := decodeCall(call.body)
	if err != nil {
		writeFault(call.w, &types.InvalidRequest{}, err.Error())
		return nil, false
	}
	if simulator.Map.Get(method.This) == nil {
		writeFault(call.w, &types.ManagedObjectNotFound{Obj: method.This}, "")
		return nil, false
	}
	return method, true
}

// read-only lookups that the library can panic on while a concurrent clone is
// half-created (a VM without a name yet); retrying them a moment later is safe
var retryOnPanic = map[string]bool{
	"FindByInventoryPath":  true,
	"FindChild":            true,
	"RetrieveProperties":   true,
	"RetrievePropertiesEx": true,
}

func (l *launcher) forwardRetrying(call *soapCall, guard *guardedWriter) {
	for attempt := 1; ; attempt++ {
		panicked := catchPanic(func() { l.forward(call) })
		if panicked == nil {
			return
		}
		if !retryOnPanic[call.method] || guard.wrote || attempt == 3 {
			panic(panicked)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func catchPanic(f func()) (panicked any) {
	defer func() { panicked = recover() }()
	f()
	return nil
}

// recoverAsFault turns a panic in the library into a SystemError SOAP fault.
// Without it net/http drops the connection, which no real vCenter does.
func recoverAsFault(call *soapCall, guard *guardedWriter) {
	p := recover()
	if p == nil {
		return
	}
	if p == http.ErrAbortHandler {
		panic(p)
	}
	logf("panic in %s: %v\n%s", call.method, p, debug.Stack())
	if guard.wrote {
		// too late for a fault; let net/http close the connection
		panic(http.ErrAbortHandler)
	}
	writeFault(guard.ResponseWriter, &types.SystemError{Reason: fmt.Sprintf("simulator panic: %v", p)}, "")
}

// guardedWriter remembers whether a response has started.
type guardedWriter struct {
	http.ResponseWriter
	wrote bool
}

func (g *guardedWriter) WriteHeader(status int) {
	g.wrote = true
	g.ResponseWriter.WriteHeader(status)
}

func (g *guardedWriter) Write(b []byte) (int, error) {
	g.wrote = true
	return g.ResponseWriter.Write(b)
}
