package main

import (
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// guestEmulator plays the guest OS and VMware Tools of every VM: after a
// power-on and the boot delay, tools run and the guest reports its host name
// and IP address; a power-off takes that away again. The library never does
// either (tools stay "not running" and no IP appears, forever).
type guestEmulator struct {
	settings *settings
	ips      *ipPool

	mu         sync.Mutex
	vms        map[types.ManagedObjectReference]*guestState
	behaviours map[types.ManagedObjectReference]guestBehaviour
}

// guestState is what the emulated guest remembers across reboots.
type guestState struct {
	// generation counts power-state changes; a boot scheduled for an older
	// generation was overtaken (e.g. powered off before it finished booting)
	generation int
	// pending is a customization applied at the next boot
	pending  *types.CustomizationSpec
	hostName string
	ip       string
	prefix   int32
	domain   string
	dns      []string
}

func newGuestEmulator(s *settings) *guestEmulator {
	return &guestEmulator{
		settings:   s,
		ips:        newIPPool(),
		vms:        map[types.ManagedObjectReference]*guestState{},
		behaviours: map[types.ManagedObjectReference]guestBehaviour{},
	}
}

// state returns the guest state for ref; the caller holds g.mu.
func (g *guestEmulator) state(ref types.ManagedObjectReference) *guestState {
	s, ok := g.vms[ref]
	if !ok {
		s = &guestState{}
		g.vms[ref] = s
	}
	return s
}

// customize records a customization to apply at the next boot, with the
// checks CustomizeVM_Task makes. We keep it ourselves instead of letting the
// library apply it, because the library sets the IP at power-on, before the
// guest has booted and before tools run.
func (g *guestEmulator) customize(vm *simulator.VirtualMachine, spec types.CustomizationSpec) types.BaseMethodFault {
	var fault types.BaseMethodFault
	simulator.Map.WithLock(vm, func() {
		if vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn {
			fault = &types.InvalidPowerState{
				RequestedState: types.VirtualMachinePowerStatePoweredOff,
				ExistingState:  vm.Runtime.PowerState,
			}
			return
		}
		if vm.Config.Tools != nil && vm.Config.Tools.PendingCustomization != "" {
			fault = new(types.CustomizationPending)
			return
		}
		if nics := len(nicKeys(vm)); nics != len(spec.NicSettingMap) {
			fault = &types.NicSettingMismatch{NumberOfNicsInSpec: int32(len(spec.NicSettingMap)), NumberOfNicsInVM: int32(nics)}
			return
		}
		g.mu.Lock()
		g.state(vm.Self).pending = &spec
		g.mu.Unlock()
		simulator.Map.Update(vm, []types.PropertyChange{
			{Name: "config.tools.pendingCustomization", Val: uuid.New().String()},
		})
	})
	return fault
}

// forget drops a destroyed VM.
func (g *guestEmulator) forget(ref types.ManagedObjectReference) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.vms, ref)
	delete(g.behaviours, ref)
}

// powerChanged reacts to a VM's new power state; it runs inside the
// library's update of runtime.powerState, with the VM's lock held.
func (g *guestEmulator) powerChanged(vm vmView, state types.VirtualMachinePowerState) {
	g.mu.Lock()
	s := g.state(vm.ref)
	s.generation++
	generation := s.generation
	g.mu.Unlock()

	if state != types.VirtualMachinePowerStatePoweredOn {
		simulator.Map.Update(vm.obj, guestGone(vm))
		return
	}
	time.AfterFunc(g.settings.bootDelay(), func() { g.boot(vm.ref, generation) })
}

// stillBooted runs a timer of ref's boot under the VM's lock, unless the VM
// is powered off or rebooted since (its generation moved on): step sees the
// guest state with g.mu held and returns what to do once g.mu is released.
func (g *guestEmulator) stillBooted(ref types.ManagedObjectReference, generation int, step func(vm *simulator.VirtualMachine, s *guestState) func()) {
	vm := vmObject(ref)
	if vm == nil {
		return
	}
	simulator.Map.WithLock(vm, func() {
		if vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOn {
			return
		}
		g.mu.Lock()
		s := g.state(ref)
		if s.generation != generation {
			g.mu.Unlock()
			return
		}
		then := step(vm, s)
		g.mu.Unlock()
		then()
	})
}

// boot finishes booting ref's guest unless the power state changed since.
func (g *guestEmulator) boot(ref types.ManagedObjectReference, generation int) {
	// a guest without VMware Tools boots, but nothing reports it
	if g.behaviour(ref).NoTools {
		return
	}
	g.stillBooted(ref, generation, func(vm *simulator.VirtualMachine, s *guestState) func() {
		customized := s.pending != nil
		g.applyIdentity(s, vm)
		identity := *s
		return func() {
			view := viewOf(vm)
			addrs := nicAddresses{primary: identity.ip, prefix: identity.prefix}
			phase := g.settings.linkLocalPhase()
			if phase > 0 {
				addrs = linkLocalOnly(view)
			}
			simulator.Map.Update(vm, guestUp(view, identity, addrs, customized))
			if phase > 0 {
				time.AfterFunc(phase, func() { g.leaseArrived(ref, generation) })
			}
		}
	})
}

// applyIdentity settles the guest's name and address for this boot: from a
// pending customization if any, else what it had, else a fresh lease.
func (g *guestEmulator) applyIdentity(s *guestState, vm *simulator.VirtualMachine) {
	if spec := s.pending; spec != nil {
		s.pending = nil
		if name := customizedName(vm, spec.Identity); name != "" {
			s.hostName = name
		}
		if len(spec.NicSettingMap) > 0 {
			adapter := spec.NicSettingMap[0].Adapter
			if fixed, ok := adapter.Ip.(*types.CustomizationFixedIp); ok && fixed.IpAddress != "" {
				s.ip, s.prefix = fixed.IpAddress, prefixLength(adapter.SubnetMask)
			}
			s.domain, s.dns = adapter.DnsDomain, adapter.DnsServerList
		}
		if linux, ok := spec.Identity.(*types.CustomizationLinuxPrep); ok && linux.Domain != "" {
			s.domain = linux.Domain
		}
	}
	if s.hostName == "" {
		s.hostName = vm.Name
	}
	if s.ip == "" {
		s.ip, s.prefix = g.ips.allocate(), poolPrefix
	}
}
