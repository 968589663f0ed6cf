package main

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/types"
)

// the prepared template looks like a small Ubuntu server image
const (
	templateCPUs     = 2
	templateMemoryMB = 2048
	templateDiskKB   = 10 * 1024 * 1024
	templateGuestID  = "ubuntu64Guest"
	templateNote     = "Ubuntu 22.04 LTS template (gantry vcsim)"
)

// prepareTemplate clones a model VM to templatePath, powered off, with a 10 GiB
// disk (so growing it on clone is meaningful), and marks it as a template.
func (l *launcher) prepareTemplate(ctx context.Context, templatePath string) error {
	dir, name := path.Split(strings.TrimSuffix(templatePath, "/"))
	segments := strings.Split(strings.Trim(dir, "/"), "/")
	if name == "" || len(segments) < 2 || segments[1] != "vm" {
		return fmt.Errorf("want /<datacenter>/vm/[folders/]<name>, got %q", templatePath)
	}
	finder := find.NewFinder(l.client, false)
	folder, err := l.ensureFolder(ctx, finder, segments)
	if err != nil {
		return err
	}
	source, err := modelSource(ctx, finder, segments[0])
	if err != nil {
		return err
	}
	spec := types.VirtualMachineCloneSpec{Location: types.VirtualMachineRelocateSpec{Pool: source.ResourcePool}}
	ref, fault := l.stockClone(ctx, types.CloneVM_Task{This: source.Self, Folder: folder, Name: name, Spec: spec})
	if fault != nil {
		return fmt.Errorf("clone %s: %T", source.Name, fault)
	}
	vm := vmObject(ref)
	if vm == nil {
		return errors.New("template vanished after clone")
	}
	l.assignFreshMACs(vm)

	config := types.VirtualMachineConfigSpec{
		NumCPUs:           templateCPUs,
		NumCoresPerSocket: 1,
		MemoryMB:          templateMemoryMB,
		GuestId:           templateGuestID,
		Annotation:        templateNote,
		DeviceChange:      diskResize(vm, templateDiskKB),
	}
	if _, fault := taskCall(l.reconfigure(ctx, ref, config)); fault != nil {
		return fmt.Errorf("reconfigure: %T", fault)
	}
	if _, err := methods.MarkAsTemplate(ctx, l.client, &types.MarkAsTemplate{This: ref}); err != nil {
		return fmt.Errorf("mark as template: %w", err)
	}
	return nil
}

func (l *launcher) reconfigure(ctx context.Context, ref types.ManagedObjectReference, spec types.VirtualMachineConfigSpec) (types.ManagedObjectReference, error) {
	vm := vmObject(ref)
	var before configFacts
	if vm != nil {
		simulator.Map.WithLock(vm, func() { before = factsOfConfig(vm) })
	}
	res, err := methods.ReconfigVM_Task(ctx, l.client, &types.ReconfigVM_Task{This: ref, Spec: spec})
	if err != nil {
		return types.ManagedObjectReference{}, err
	}
	if vm != nil {
		configChanged(vm, before)
	}
	return res.Returnval, nil
}

// diskResize edits vm's first disk to capacityKB (a copy of the device, as a client would send it).
func diskResize(vm *simulator.VirtualMachine, capacityKB int64) []types.BaseVirtualDeviceConfigSpec {
	var changes []types.BaseVirtualDeviceConfigSpec
	simulator.Map.WithLock(vm, func() {
		for _, device := range vm.Config.Hardware.Device {
			if disk, ok := device.(*types.VirtualDisk); ok {
				edited := deepCopy(disk)
				edited.CapacityInKB = capacityKB
				edited.CapacityInBytes = capacityKB * 1024
				changes = append(changes, &types.VirtualDeviceConfigSpec{
					Operation: types.VirtualDeviceConfigSpecOperationEdit,
					Device:    edited,
				})
				return
			}
		}
	})
	return changes
}

// ensureFolder returns /<dc>/vm/<folders...>, creating missing folders.
func (l *launcher) ensureFolder(ctx context.Context, finder *find.Finder, segments []string) (types.ManagedObjectReference, error) {
	current := "/" + strings.Join(segments[:2], "/")
	folder, err := finder.Folder(ctx, current)
	if err != nil {
		return types.ManagedObjectReference{}, err
	}
	for _, segment := range segments[2:] {
		current += "/" + segment
		next, err := finder.Folder(ctx, current)
		var notFound *find.NotFoundError
		if errors.As(err, &notFound) {
			next, err = folder.CreateFolder(ctx, segment)
		}
		if err != nil {
			return types.ManagedObjectReference{}, err
		}
		folder = next
	}
	return folder.Reference(), nil
}

// modelSource picks the model VM to clone the template from (the first by name,
// a cluster VM in the default model).
func modelSource(ctx context.Context, finder *find.Finder, datacenter string) (*simulator.VirtualMachine, error) {
	vms, err := finder.VirtualMachineList(ctx, "/"+datacenter+"/vm/*")
	if err != nil {
		return nil, fmt.Errorf("no model VM to clone the template from: %w", err)
	}
	sort.Slice(vms, func(i, j int) bool { return vms[i].InventoryPath < vms[j].InventoryPath })
	for _, candidate := range vms {
		if vm := vmObject(candidate.Reference()); vm != nil && !vm.Config.Template {
			return vm, nil
		}
	}
	return nil, errors.New("no model VM to clone the template from")
}
