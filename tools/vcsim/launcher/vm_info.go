package main

import (
	"fmt"
	"net/http"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// vmSummary is what a test needs to verify a VM without a SOAP round of its own.
type vmSummary struct {
	Moref                string            `json:"moref"`
	Name                 string            `json:"name"`
	PowerState           string            `json:"powerState"`
	Template             bool              `json:"template"`
	NumCPU               int32             `json:"numCPU"`
	NumCoresPerSocket    int32             `json:"numCoresPerSocket"`
	MemoryMB             int32             `json:"memoryMB"`
	GuestID              string            `json:"guestId"`
	Annotation           string            `json:"annotation"`
	ExtraConfig          map[string]string `json:"extraConfig"`
	Disks                []diskSummary     `json:"disks"`
	NICs                 []nicSummary      `json:"nics"`
	Guest                guestSummary      `json:"guest"`
	CustomizationPending bool              `json:"customizationPending"`
	CpuHotAddEnabled     bool              `json:"cpuHotAddEnabled"`
	MemoryHotAddEnabled  bool              `json:"memoryHotAddEnabled"`
	Snapshots            []snapshotSummary `json:"snapshots"`
	Folder               string            `json:"folder,omitempty"`
	ResourcePool         string            `json:"resourcePool,omitempty"`
	Host                 string            `json:"host,omitempty"`
}

type diskSummary struct {
	Key          int32  `json:"key"`
	Label        string `json:"label"`
	FileName     string `json:"fileName"`
	CapacityInKB int64  `json:"capacityInKB"`
}

type snapshotSummary struct {
	Moref string `json:"moref"`
	Name  string `json:"name"`
	// the power state it captured: poweredOn only with memory
	State string `json:"state"`
}

type nicSummary struct {
	Key         int32  `json:"key"`
	MacAddress  string `json:"macAddress"`
	AddressType string `json:"addressType"`
	Network     string `json:"network"`
}

type guestSummary struct {
	ToolsRunningStatus string `json:"toolsRunningStatus"`
	ToolsStatus        string `json:"toolsStatus"`
	GuestState         string `json:"guestState"`
	IPAddress          string `json:"ipAddress"`
	HostName           string `json:"hostName"`
}

// vmInfo answers GET /_gantry/vm?moref=vm-42 or ?name=web-01.
func (l *launcher) vmInfo(r *http.Request) (any, error) {
	vm, err := findVM(r.URL.Query().Get("moref"), r.URL.Query().Get("name"))
	if err != nil {
		return nil, err
	}
	var out vmSummary
	simulator.Map.WithLock(vm, func() { out = summarize(vm) })
	return out, nil
}

func findVM(moref, name string) (*simulator.VirtualMachine, error) {
	if moref != "" {
		if vm := vmObject(types.ManagedObjectReference{Type: "VirtualMachine", Value: moref}); vm != nil {
			return vm, nil
		}
		return nil, fmt.Errorf("no VM %s", moref)
	}
	var found []*simulator.VirtualMachine
	for _, entity := range simulator.Map.All("VirtualMachine") {
		if vm, ok := entity.(*simulator.VirtualMachine); ok && vm.Name == name && name != "" {
			found = append(found, vm)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return nil, fmt.Errorf("no VM named %q (give ?name= or ?moref=)", name)
	default:
		return nil, fmt.Errorf("%d VMs are named %q; ask by moref", len(found), name)
	}
}

func summarize(vm *simulator.VirtualMachine) vmSummary {
	config := vm.Config
	out := vmSummary{
		Moref:               vm.Self.Value,
		Name:                vm.Name,
		PowerState:          string(vm.Runtime.PowerState),
		Template:            config.Template,
		NumCPU:              config.Hardware.NumCPU,
		NumCoresPerSocket:   config.Hardware.NumCoresPerSocket,
		MemoryMB:            config.Hardware.MemoryMB,
		GuestID:             config.GuestId,
		Annotation:          config.Annotation,
		ExtraConfig:         map[string]string{},
		Disks:               []diskSummary{},
		NICs:                []nicSummary{},
		Snapshots:           []snapshotSummary{},
		CpuHotAddEnabled:    isSet(config.CpuHotAddEnabled),
		MemoryHotAddEnabled: isSet(config.MemoryHotAddEnabled),
	}
	if vm.Snapshot != nil {
		var walk func(items []types.VirtualMachineSnapshotTree)
		walk = func(items []types.VirtualMachineSnapshotTree) {
			for _, item := range items {
				out.Snapshots = append(out.Snapshots, snapshotSummary{Moref: item.Snapshot.Value, Name: item.Name, State: string(item.State)})
				walk(item.ChildSnapshotList)
			}
		}
		walk(vm.Snapshot.RootSnapshotList)
	}
	for _, option := range config.ExtraConfig {
		value := option.GetOptionValue()
		out.ExtraConfig[value.Key] = fmt.Sprint(value.Value)
	}
	for _, device := range config.Hardware.Device {
		switch d := device.(type) {
		case *types.VirtualDisk:
			disk := diskSummary{Key: d.Key, CapacityInKB: diskBytes(d) / 1024}
			if d.DeviceInfo != nil {
				disk.Label = d.DeviceInfo.GetDescription().Label
			}
			if b, ok := d.Backing.(types.BaseVirtualDeviceFileBackingInfo); ok {
				disk.FileName = b.GetVirtualDeviceFileBackingInfo().FileName
			}
			out.Disks = append(out.Disks, disk)
		case types.BaseVirtualEthernetCard:
			card := d.GetVirtualEthernetCard()
			out.NICs = append(out.NICs, nicSummary{
				Key: card.Key, MacAddress: card.MacAddress, AddressType: card.AddressType, Network: networkName(card),
			})
		}
	}
	if guest := vm.Guest; guest != nil {
		out.Guest = guestSummary{
			ToolsRunningStatus: guest.ToolsRunningStatus,
			ToolsStatus:        string(guest.ToolsStatus),
			GuestState:         guest.GuestState,
			IPAddress:          guest.IpAddress,
			HostName:           guest.HostName,
		}
	}
	if config.Tools != nil {
		out.CustomizationPending = config.Tools.PendingCustomization != ""
	}
	if vm.Parent != nil {
		out.Folder = vm.Parent.Value
	}
	if vm.ResourcePool != nil {
		out.ResourcePool = vm.ResourcePool.Value
	}
	if vm.Runtime.Host != nil {
		out.Host = vm.Runtime.Host.Value
	}
	return out
}
