package main

import (
	"context"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// handleCreateSnapshot runs the library's CreateSnapshot_Task, then records
// the power state the snapshot really captured: vCenter keeps a running VM's
// state (poweredOn) only in a snapshot with memory; without memory a revert
// leaves the VM off. The library records the VM's state either way.
func (l *launcher) handleCreateSnapshot(call *soapCall) {
	if !l.authenticated(call) {
		return
	}
	method, ok := l.decodeOrFail(call)
	if !ok {
		return
	}
	req, ok := method.Body.(*types.CreateSnapshot_Task)
	vm := vmObject(method.This)
	if !ok || vm == nil {
		writeFault(call.w, &types.ManagedObjectNotFound{Obj: method.This}, "")
		return
	}
	ref := runTask(req.This, call.method, l.taskDelay(call.method), func() (types.AnyType, types.BaseMethodFault) {
		result, fault := invokeTask(method)
		snapshot, made := result.(types.ManagedObjectReference)
		if fault != nil || !made || req.Memory {
			return result, fault
		}
		simulator.Map.WithLock(vm, func() {
			if item := snapshotItem(vm, snapshot); item != nil {
				item.State = types.VirtualMachinePowerStatePoweredOff
				simulator.Map.Update(vm, []types.PropertyChange{{Name: "snapshot", Val: vm.Snapshot}})
			}
		})
		return result, nil
	})
	writeTaskResponse(call.w, call.method, ref)
}

// handleRevertSnapshot runs the library's RevertToSnapshot_Task (which only
// moves currentSnapshot), then does what vCenter does: the VM takes back the
// CPUs and memory it had when the snapshot was taken, and its power state (off
// unless the snapshot kept memory).
func (l *launcher) handleRevertSnapshot(call *soapCall) {
	if !l.authenticated(call) {
		return
	}
	method, ok := l.decodeOrFail(call)
	if !ok {
		return
	}
	snapshot, ok := simulator.Map.Get(method.This).(*simulator.VirtualMachineSnapshot)
	vm := (*simulator.VirtualMachine)(nil)
	if ok {
		vm = vmObject(snapshot.Vm)
	}
	if vm == nil {
		writeFault(call.w, &types.ManagedObjectNotFound{Obj: method.This}, "")
		return
	}
	ref := runTask(vm.Self, call.method, l.taskDelay(call.method), func() (types.AnyType, types.BaseMethodFault) {
		if _, fault := invokeTask(method); fault != nil {
			return nil, fault
		}
		var before configFacts
		var state types.VirtualMachinePowerState
		simulator.Map.WithLock(vm, func() {
			before = factsOfConfig(vm)
			vm.Config.Hardware.NumCPU = snapshot.Config.Hardware.NumCPU
			vm.Config.Hardware.MemoryMB = snapshot.Config.Hardware.MemoryMB
			if item := snapshotItem(vm, snapshot.Self); item != nil {
				state = item.State
			}
		})
		configChanged(vm, before)
		return nil, l.powerTo(vm, state)
	})
	writeTaskResponse(call.w, call.method, ref)
}

// powerTo brings vm to the power state a snapshot captured, through the library's power path.
func (l *launcher) powerTo(vm *simulator.VirtualMachine, state types.VirtualMachinePowerState) types.BaseMethodFault {
	ctx := context.Background()
	var current types.VirtualMachinePowerState
	simulator.Map.WithLock(vm, func() { current = vm.Runtime.PowerState })
	switch {
	case state == types.VirtualMachinePowerStatePoweredOn && current != state:
		return l.powerOnInProcess(ctx, vm.Self)
	case state != types.VirtualMachinePowerStatePoweredOn && current == types.VirtualMachinePowerStatePoweredOn:
		return l.powerOffInProcess(ctx, vm.Self)
	}
	return nil
}

// snapshotItem finds a snapshot's entry in vm's tree; the caller holds vm's lock.
func snapshotItem(vm *simulator.VirtualMachine, ref types.ManagedObjectReference) *types.VirtualMachineSnapshotTree {
	if vm.Snapshot == nil {
		return nil
	}
	var find func(items []types.VirtualMachineSnapshotTree) *types.VirtualMachineSnapshotTree
	find = func(items []types.VirtualMachineSnapshotTree) *types.VirtualMachineSnapshotTree {
		for i := range items {
			if items[i].Snapshot == ref {
				return &items[i]
			}
			if found := find(items[i].ChildSnapshotList); found != nil {
				return found
			}
		}
		return nil
	}
	return find(vm.Snapshot.RootSnapshotList)
}
