package main

import (
	"reflect"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// configFacts are the configuration properties a reconfigure may change and
// watchers care about. The library applies them to the VM without telling the
// property collector (only config.hardware.device gets an update), so a
// WaitForUpdatesEx filter on them never fires; vCenter reports every one.
type configFacts struct {
	name            string
	numCPU          int32
	memoryMB        int32
	cpuHotAdd       bool
	cpuHotRemove    bool
	memoryHotAdd    bool
	extraConfig     []types.BaseOptionValue
	extraConfigSize int
}

func factsOfConfig(vm *simulator.VirtualMachine) configFacts {
	return configFacts{
		name:            vm.Name,
		numCPU:          vm.Config.Hardware.NumCPU,
		memoryMB:        vm.Config.Hardware.MemoryMB,
		cpuHotAdd:       isSet(vm.Config.CpuHotAddEnabled),
		cpuHotRemove:    isSet(vm.Config.CpuHotRemoveEnabled),
		memoryHotAdd:    isSet(vm.Config.MemoryHotAddEnabled),
		extraConfig:     vm.Config.ExtraConfig,
		extraConfigSize: len(vm.Config.ExtraConfig),
	}
}

func isSet(b *bool) bool { return b != nil && *b }

// configChanged posts what a reconfigure changed, as vCenter does: each
// property under its own path, so filters on exact paths see it.
func configChanged(vm *simulator.VirtualMachine, before configFacts) {
	var changes []types.PropertyChange
	simulator.Map.WithLock(vm, func() {
		after := factsOfConfig(vm)
		if after.name != before.name {
			changes = append(changes,
				types.PropertyChange{Name: "name", Val: after.name},
				types.PropertyChange{Name: "config.name", Val: after.name},
				types.PropertyChange{Name: "summary.config.name", Val: after.name})
		}
		if after.numCPU != before.numCPU {
			changes = append(changes,
				types.PropertyChange{Name: "config.hardware.numCPU", Val: after.numCPU},
				types.PropertyChange{Name: "summary.config.numCpu", Val: after.numCPU})
		}
		if after.memoryMB != before.memoryMB {
			changes = append(changes,
				types.PropertyChange{Name: "config.hardware.memoryMB", Val: after.memoryMB},
				types.PropertyChange{Name: "summary.config.memorySizeMB", Val: after.memoryMB})
		}
		if after.cpuHotAdd != before.cpuHotAdd {
			changes = append(changes, types.PropertyChange{Name: "config.cpuHotAddEnabled", Val: after.cpuHotAdd})
		}
		if after.cpuHotRemove != before.cpuHotRemove {
			changes = append(changes, types.PropertyChange{Name: "config.cpuHotRemoveEnabled", Val: after.cpuHotRemove})
		}
		if after.memoryHotAdd != before.memoryHotAdd {
			changes = append(changes, types.PropertyChange{Name: "config.memoryHotAddEnabled", Val: after.memoryHotAdd})
		}
		if after.extraConfigSize != before.extraConfigSize || !reflect.DeepEqual(after.extraConfig, before.extraConfig) {
			changes = append(changes, types.PropertyChange{Name: "config.extraConfig", Val: after.extraConfig})
		}
		if len(changes) > 0 {
			simulator.Map.Update(vm, changes)
		}
	})
}

// hotChangeFault is what vCenter answers a reconfigure that the running VM
// cannot take: CPUs without hot-add (or hot-remove), memory without hot-add,
// less memory at all. Nil when the VM is off or the change is allowed.
func hotChangeFault(vm *simulator.VirtualMachine, spec types.VirtualMachineConfigSpec) types.BaseMethodFault {
	var fault types.BaseMethodFault
	simulator.Map.WithLock(vm, func() {
		if vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOn {
			return
		}
		cpu, memory := vm.Config.Hardware.NumCPU, vm.Config.Hardware.MemoryMB
		blocked := (spec.NumCPUs > cpu && !isSet(vm.Config.CpuHotAddEnabled)) ||
			(spec.NumCPUs != 0 && spec.NumCPUs < cpu && !isSet(vm.Config.CpuHotRemoveEnabled)) ||
			(spec.MemoryMB > int64(memory) && !isSet(vm.Config.MemoryHotAddEnabled)) ||
			(spec.MemoryMB != 0 && spec.MemoryMB < int64(memory))
		if blocked {
			fault = &types.InvalidPowerState{
				RequestedState: types.VirtualMachinePowerStatePoweredOff,
				ExistingState:  vm.Runtime.PowerState,
			}
		}
	})
	return fault
}
