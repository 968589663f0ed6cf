package main

import (
	"context"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// handleClone answers CloneVM_Task the way vCenter does: bad morefs fault on
// the call, a taken name fails the task with DuplicateName, and the clone
// honours the whole spec (see cloneVM).
func (l *launcher) handleClone(call *soapCall) {
	if !l.authenticated(call) {
		return
	}
	method, ok := l.decodeOrFail(call)
	if !ok {
		return
	}
	req, ok := method.Body.(*types.CloneVM_Task)
	if !ok || vmObject(req.This) == nil {
		writeFault(call.w, &types.ManagedObjectNotFound{Obj: method.This}, "")
		return
	}
	if fault := checkCloneRefs(req); fault != nil {
		writeFault(call.w, fault, "")
		return
	}
	key := nameKey{folder: req.Folder, name: req.Name}
	if !l.names.reserve(key) {
		ref := runTask(req.This, call.method, 0, func() (types.AnyType, types.BaseMethodFault) {
			return nil, &types.DuplicateName{Name: req.Name, Object: req.Folder}
		})
		writeTaskResponse(call.w, call.method, ref)
		return
	}
	ref := runTask(req.This, call.method, l.taskDelay(call.method), func() (types.AnyType, types.BaseMethodFault) {
		defer l.names.release(key)
		return l.cloneVM(context.Background(), *req)
	})
	writeTaskResponse(call.w, call.method, ref)
}

// checkCloneRefs catches morefs the library would panic on (a missing folder)
// or silently misuse; vCenter answers them with ManagedObjectNotFound.
func checkCloneRefs(req *types.CloneVM_Task) types.BaseMethodFault {
	if _, ok := simulator.Map.Get(req.Folder).(*simulator.Folder); !ok {
		return &types.ManagedObjectNotFound{Obj: req.Folder}
	}
	location := req.Spec.Location
	if ref := location.Pool; ref != nil {
		switch simulator.Map.Get(*ref).(type) {
		case *simulator.ResourcePool, *simulator.VirtualApp:
		default:
			return &types.ManagedObjectNotFound{Obj: *ref}
		}
	}
	if ref := location.Datastore; ref != nil {
		if _, ok := simulator.Map.Get(*ref).(*simulator.Datastore); !ok {
			return &types.ManagedObjectNotFound{Obj: *ref}
		}
	}
	if ref := location.Host; ref != nil {
		if _, ok := simulator.Map.Get(*ref).(*simulator.HostSystem); !ok {
			return &types.ManagedObjectNotFound{Obj: *ref}
		}
	}
	return nil
}
