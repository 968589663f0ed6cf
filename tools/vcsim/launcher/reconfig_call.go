package main

import (
	"github.com/vmware/govmomi/vim25/types"
)

// handleReconfig fixes up the device changes (see prepareDeviceChanges) and
// runs the library's ReconfigVM_Task, after the task delay if one is set.
func (l *launcher) handleReconfig(call *soapCall) {
	if !l.authenticated(call) {
		return
	}
	method, ok := l.decodeOrFail(call)
	if !ok {
		return
	}
	req, ok := method.Body.(*types.ReconfigVM_Task)
	vm := vmObject(method.This)
	if !ok || vm == nil {
		writeFault(call.w, &types.ManagedObjectNotFound{Obj: method.This}, "")
		return
	}
	ref := runTask(req.This, call.method, l.taskDelay(call.method), func() (types.AnyType, types.BaseMethodFault) {
		if fault := prepareDeviceChanges(vm, req.Spec.DeviceChange, false); fault != nil {
			return nil, fault
		}
		return invokeTask(method)
	})
	writeTaskResponse(call.w, call.method, ref)
}
