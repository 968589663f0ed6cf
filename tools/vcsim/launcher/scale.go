package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/types"
)

// scale is the size of the inventory beyond the default model: a vCenter of
// ordinary size, for the agent's inventory report (thousands of folders, pools,
// portgroups and templates). Zero everywhere by default.
type scale struct {
	folders   int
	pools     int
	networks  int
	templates int
	// plain VMs (/DC0/vm/scale-vms/vm-NNNN), powered off, the first `markers` of them
	// carrying Gantry's marker (gantry.requestId=unowned-NNNN) as if left behind its back
	vms     int
	markers int
}

// parseScale reads "folders=5000,pools=1000,networks=500,templates=500".
func parseScale(s string) (scale, error) {
	var out scale
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		parts := strings.SplitN(item, "=", 2)
		n, err := strconv.Atoi(strings.TrimSpace(parts[len(parts)-1]))
		if len(parts) != 2 || err != nil || n < 0 || n > 100000 {
			return out, fmt.Errorf("-scale: %q is not kind=count", item)
		}
		switch strings.TrimSpace(parts[0]) {
		case "folders":
			out.folders = n
		case "pools":
			out.pools = n
		case "networks":
			out.networks = n
		case "templates":
			out.templates = n
		case "vms":
			out.vms = n
		case "markers":
			out.markers = n
		default:
			return out, fmt.Errorf("-scale: unknown kind %q (folders, pools, networks, templates, vms, markers)", parts[0])
		}
	}
	if out.markers > out.vms {
		return out, fmt.Errorf("-scale: markers=%d is more than vms=%d", out.markers, out.vms)
	}
	return out, nil
}

// applyToModel sets the counts the library's model builds itself: resource
// pools under the cluster's root pool, and distributed portgroups (networks).
func (s scale) applyToModel(model *simulator.Model) {
	if s.pools > 0 {
		model.Pool = s.pools
	}
	if s.networks > 0 {
		model.Portgroup = s.networks
	}
}

// populate adds what the model cannot: VM folders (/DC0/vm/scale-NN/folder-NNNNN,
// a hundred per group) and templates (/DC0/vm/scale-templates/tmpl-NNNN), made
// through the library's own methods in process.
func (l *launcher) populate(ctx context.Context, s scale) error {
	if s.folders == 0 && s.templates == 0 && s.vms == 0 {
		return nil
	}
	finder := find.NewFinder(l.client, false)
	dc, err := finder.Datacenter(ctx, "/DC0")
	if err != nil {
		return err
	}
	folders, err := dc.Folders(ctx)
	if err != nil {
		return err
	}
	var group *object.Folder
	for i := 0; i < s.folders; i++ {
		if i%100 == 0 {
			if group, err = folders.VmFolder.CreateFolder(ctx, fmt.Sprintf("scale-%02d", i/100)); err != nil {
				return fmt.Errorf("folder group: %w", err)
			}
		}
		if _, err := group.CreateFolder(ctx, fmt.Sprintf("folder-%05d", i)); err != nil {
			return fmt.Errorf("folder %d: %w", i, err)
		}
	}
	if s.vms > 0 {
		if err := l.populateVms(ctx, finder, folders.VmFolder, s.vms, s.markers); err != nil {
			return err
		}
	}
	if s.templates == 0 {
		return nil
	}
	return l.populateTemplates(ctx, finder, folders.VmFolder, s.templates)
}

// populateVms adds plain VMs; the first `markers` carry Gantry's marker in their
// extraConfig, set at creation, as a VM Gantry lost track of would.
func (l *launcher) populateVms(ctx context.Context, finder *find.Finder, vmFolder *object.Folder, count, markers int) error {
	into, err := vmFolder.CreateFolder(ctx, "scale-vms")
	if err != nil {
		return err
	}
	pool, err := finder.ResourcePool(ctx, "/DC0/host/DC0_C0/Resources")
	if err != nil {
		return err
	}
	for i := 0; i < count; i++ {
		name := fmt.Sprintf("vm-%04d", i)
		spec := types.VirtualMachineConfigSpec{
			Name:     name,
			GuestId:  templateGuestID,
			NumCPUs:  templateCPUs,
			MemoryMB: templateMemoryMB,
			Files:    &types.VirtualMachineFileInfo{VmPathName: "[LocalDS_0]"},
		}
		if i < markers {
			spec.ExtraConfig = []types.BaseOptionValue{
				&types.OptionValue{Key: "gantry.requestId", Value: fmt.Sprintf("unowned-%04d", i)},
			}
		}
		task, err := into.CreateVM(ctx, spec, pool, nil)
		if err != nil {
			return fmt.Errorf("vm %s: %w", name, err)
		}
		if _, err := task.WaitForResult(ctx, nil); err != nil {
			return fmt.Errorf("vm %s: %w", name, err)
		}
	}
	return nil
}

func (l *launcher) populateTemplates(ctx context.Context, finder *find.Finder, vmFolder *object.Folder, count int) error {
	into, err := vmFolder.CreateFolder(ctx, "scale-templates")
	if err != nil {
		return err
	}
	pool, err := finder.ResourcePool(ctx, "/DC0/host/DC0_C0/Resources")
	if err != nil {
		return err
	}
	for i := 0; i < count; i++ {
		name := fmt.Sprintf("tmpl-%04d", i)
		spec := types.VirtualMachineConfigSpec{
			Name:     name,
			GuestId:  templateGuestID,
			NumCPUs:  templateCPUs,
			MemoryMB: templateMemoryMB,
			Files:    &types.VirtualMachineFileInfo{VmPathName: "[LocalDS_0]"},
		}
		task, err := into.CreateVM(ctx, spec, pool, nil)
		if err != nil {
			return fmt.Errorf("template %s: %w", name, err)
		}
		info, err := task.WaitForResult(ctx, nil)
		if err != nil {
			return fmt.Errorf("template %s: %w", name, err)
		}
		ref := info.Result.(types.ManagedObjectReference)
		if _, err := methods.MarkAsTemplate(ctx, l.client, &types.MarkAsTemplate{This: ref}); err != nil {
			return fmt.Errorf("mark %s as template: %w", name, err)
		}
	}
	return nil
}
