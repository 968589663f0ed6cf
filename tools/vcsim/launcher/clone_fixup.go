package main

import (
	"context"
	"reflect"

	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/types"
)

// cloneVM clones with the library, then applies what the library ignores:
// spec.config (as a reconfigure, disk edits retargeted to the clone's own
// vmdk), fresh MACs, spec.customization and spec.powerOn. If a fix-up fails
// the clone is removed and the task fails with that fault, as vCenter does.
func (l *launcher) cloneVM(ctx context.Context, req types.CloneVM_Task) (types.AnyType, types.BaseMethodFault) {
	spec := req.Spec
	inner := types.CloneVM_Task{This: req.This, Folder: req.Folder, Name: req.Name}
	inner.Spec.Location = spec.Location
	// device changes and config are applied below, where faults are not swallowed
	inner.Spec.Location.DeviceChange = nil
	if spec.Config != nil && spec.Config.InstanceUuid != "" {
		inner.Spec.Config = &types.VirtualMachineConfigSpec{InstanceUuid: spec.Config.InstanceUuid}
	}
	ref, fault := l.stockClone(ctx, inner)
	if fault != nil {
		return nil, fault
	}
	if fault := l.fixUpClone(ctx, ref, spec); fault != nil {
		l.discardClone(ctx, ref)
		return nil, fault
	}
	return ref, nil
}

func (l *launcher) fixUpClone(ctx context.Context, ref types.ManagedObjectReference, spec types.VirtualMachineCloneSpec) types.BaseMethodFault {
	vm := vmObject(ref)
	if vm == nil {
		return &types.ManagedObjectNotFound{Obj: ref}
	}
	var config types.VirtualMachineConfigSpec
	if spec.Config != nil {
		config = *spec.Config
	}
	config.Name, config.InstanceUuid, config.Files = "", "", nil
	changes := append(append([]types.BaseVirtualDeviceConfigSpec{}, spec.Location.DeviceChange...), config.DeviceChange...)
	config.DeviceChange = changes
	if fault := prepareDeviceChanges(vm, config.DeviceChange, true); fault != nil {
		return fault
	}
	if !reflect.DeepEqual(config, types.VirtualMachineConfigSpec{DeviceChange: config.DeviceChange}) || len(changes) > 0 {
		if _, fault := taskCall(l.reconfigure(ctx, ref, config)); fault != nil {
			return fault
		}
	}
	l.assignFreshMACs(vm)
	if spec.Customization != nil {
		if fault := l.guest.customize(vm, *spec.Customization); fault != nil {
			return fault
		}
	}
	if spec.Template {
		if _, err := methods.MarkAsTemplate(ctx, l.client, &types.MarkAsTemplate{This: ref}); err != nil {
			return faultOf(err)
		}
		return nil
	}
	if spec.PowerOn {
		res, err := methods.PowerOnVM_Task(ctx, l.client, &types.PowerOnVM_Task{This: ref})
		if _, fault := taskCall(returnedTask(res, err)); fault != nil {
			return fault
		}
	}
	return nil
}

func returnedTask(res *types.PowerOnVM_TaskResponse, err error) (types.ManagedObjectReference, error) {
	if err != nil {
		return types.ManagedObjectReference{}, err
	}
	return res.Returnval, nil
}

// discardClone removes a clone whose fix-ups failed (powering it off first).
func (l *launcher) discardClone(ctx context.Context, ref types.ManagedObjectReference) {
	if vm := vmObject(ref); vm != nil && vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn {
		_, _ = methods.PowerOffVM_Task(ctx, l.client, &types.PowerOffVM_Task{This: ref})
	}
	res, err := methods.Destroy_Task(ctx, l.client, &types.Destroy_Task{This: ref})
	if err == nil {
		_, fault := taskOutcome(res.Returnval)
		if fault == nil {
			return
		}
		logf("removing failed clone %s: %T", ref.Value, fault)
		return
	}
	logf("removing failed clone %s: %v", ref.Value, err)
}
