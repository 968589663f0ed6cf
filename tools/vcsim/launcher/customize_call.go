package main

import (
	"github.com/vmware/govmomi/vim25/types"
)

// handleCustomize keeps CustomizeVM_Task's spec for the guest emulation, which
// applies it when the guest boots (see guestEmulator.customize).
func (l *launcher) handleCustomize(call *soapCall) {
	if !l.authenticated(call) {
		return
	}
	method, ok := l.decodeOrFail(call)
	if !ok {
		return
	}
	req, ok := method.Body.(*types.CustomizeVM_Task)
	vm := vmObject(method.This)
	if !ok || vm == nil {
		writeFault(call.w, &types.ManagedObjectNotFound{Obj: method.This}, "")
		return
	}
	ref := runTask(req.This, call.method, l.taskDelay(call.method), func() (types.AnyType, types.BaseMethodFault) {
		return nil, l.guest.customize(vm, req.Spec)
	})
	writeTaskResponse(call.w, call.method, ref)
}
