package main

import (
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// handleReconfig fixes up the device changes (see prepareDeviceChanges), refuses
// what a running VM cannot take without a power cycle (hotChangeFault), runs
// the library's ReconfigVM_Task after the task delay if one is set, and posts
// the configuration changes the library does not (configChanged).
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
		if fault := hotChangeFault(vm, req.Spec); fault != nil {
			return nil, fault
		}
		var before configFacts
		simulator.Map.WithLock(vm, func() { before = factsOfConfig(vm) })
		result, fault := invokeTask(method)
		configChanged(vm, before)
		return result, fault
	})
	writeTaskResponse(call.w, call.method, ref)
}
