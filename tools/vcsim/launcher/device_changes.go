package main

import (
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// prepareDeviceChanges makes edit specs safe and vCenter-like before the library sees them:
//   - a missing deviceInfo is filled in from the current device (vCenter accepts
//     edits without it; the library dereferences it and panics);
//   - disk capacity is taken from whichever of capacityInKB/capacityInBytes
//     changed and both are set consistently; shrinking is refused;
//   - with retarget, a disk edit is pointed at vm's own vmdk. A clone spec is
//     built from the template's devices, so its disk edits name the template's
//     file; vCenter applies them to the clone's copy.
func prepareDeviceChanges(vm *simulator.VirtualMachine, changes []types.BaseVirtualDeviceConfigSpec, retarget bool) types.BaseMethodFault {
	var devices object.VirtualDeviceList
	simulator.Map.WithLock(vm, func() {
		devices = deepCopy(object.VirtualDeviceList(vm.Config.Hardware.Device))
	})
	for i, change := range changes {
		spec := change.GetVirtualDeviceConfigSpec()
		if spec.Operation != types.VirtualDeviceConfigSpecOperationEdit || spec.Device == nil {
			continue
		}
		device := spec.Device.GetVirtualDevice()
		current := devices.FindByKey(device.Key)
		if current == nil {
			return &types.InvalidDeviceSpec{InvalidVmConfig: types.InvalidVmConfig{Property: "deviceChange"}, DeviceIndex: int32(i)}
		}
		if device.DeviceInfo == nil {
			device.DeviceInfo = current.GetVirtualDevice().DeviceInfo
		}
		if device.DeviceInfo == nil {
			device.DeviceInfo = &types.Description{}
		}
		disk, isDisk := spec.Device.(*types.VirtualDisk)
		currentDisk, wasDisk := current.(*types.VirtualDisk)
		if !isDisk || !wasDisk {
			continue
		}
		if fault := resize(disk, currentDisk, i); fault != nil {
			return fault
		}
		if retarget {
			retargetBacking(disk, currentDisk)
		}
	}
	return nil
}

func resize(disk, current *types.VirtualDisk, index int) types.BaseMethodFault {
	old := diskBytes(current)
	size := old
	switch {
	case disk.CapacityInBytes != 0 && disk.CapacityInBytes != old:
		size = disk.CapacityInBytes
	case disk.CapacityInKB != 0 && disk.CapacityInKB*1024 != old:
		size = disk.CapacityInKB * 1024
	}
	if size < old {
		return &types.InvalidDeviceSpec{
			InvalidVmConfig: types.InvalidVmConfig{Property: "capacityInKB"},
			DeviceIndex:     int32(index),
		}
	}
	disk.CapacityInBytes = size
	disk.CapacityInKB = size / 1024
	return nil
}

func diskBytes(disk *types.VirtualDisk) int64 {
	if disk.CapacityInBytes != 0 {
		return disk.CapacityInBytes
	}
	return disk.CapacityInKB * 1024
}

func retargetBacking(disk, current *types.VirtualDisk) {
	want, ok := current.Backing.(types.BaseVirtualDeviceFileBackingInfo)
	if !ok {
		return
	}
	if disk.Backing == nil {
		disk.Backing = current.Backing
		return
	}
	if got, ok := disk.Backing.(types.BaseVirtualDeviceFileBackingInfo); ok {
		info := got.GetVirtualDeviceFileBackingInfo()
		info.FileName = want.GetVirtualDeviceFileBackingInfo().FileName
		info.Datastore = want.GetVirtualDeviceFileBackingInfo().Datastore
	}
}
