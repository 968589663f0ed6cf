package main

import (
	"context"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// taskOutcome reads a finished library task. In-process calls never reach our
// async task emulation, so the library has always completed the task by the
// time its method returns.
func taskOutcome(ref types.ManagedObjectReference) (types.AnyType, types.BaseMethodFault) {
	task, ok := simulator.Map.Get(ref).(*simulator.Task)
	if !ok {
		return nil, &types.ManagedObjectNotFound{Obj: ref}
	}
	var info types.TaskInfo
	simulator.Map.WithLock(task, func() { info = task.Info })
	if info.Error != nil {
		return nil, info.Error.Fault
	}
	return info.Result, nil
}

// taskCall finishes an in-process *_Task call: a call-level fault or the task's outcome.
func taskCall(ref types.ManagedObjectReference, err error) (types.AnyType, types.BaseMethodFault) {
	if err != nil {
		return nil, faultOf(err)
	}
	return taskOutcome(ref)
}

// faultOf recovers the vim fault from an in-process call's error.
func faultOf(err error) types.BaseMethodFault {
	if soap.IsSoapFault(err) {
		if f, ok := soap.ToSoapFault(err).VimFault().(types.BaseMethodFault); ok {
			return f
		}
	}
	if soap.IsVimFault(err) {
		return soap.ToVimFault(err)
	}
	return &types.SystemError{Reason: err.Error()}
}

// powerOffInProcess powers ref off through the library (every watcher sees it); the fault, or nil.
func (l *launcher) powerOffInProcess(ctx context.Context, ref types.ManagedObjectReference) types.BaseMethodFault {
	res, err := methods.PowerOffVM_Task(ctx, l.client, &types.PowerOffVM_Task{This: ref})
	if err != nil {
		return faultOf(err)
	}
	_, fault := taskOutcome(res.Returnval)
	return fault
}

// powerOnInProcess powers ref on through the library; the fault, or nil.
func (l *launcher) powerOnInProcess(ctx context.Context, ref types.ManagedObjectReference) types.BaseMethodFault {
	res, err := methods.PowerOnVM_Task(ctx, l.client, &types.PowerOnVM_Task{This: ref})
	if err != nil {
		return faultOf(err)
	}
	_, fault := taskOutcome(res.Returnval)
	return fault
}
