package main

import (
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

const progressSteps = 10

// taskWork is what a task does once it has "run" for its delay.
type taskWork func() (types.AnyType, types.BaseMethodFault)

// runTask creates a task for method on entity and returns its moref.
//
// Without a delay the task completes before this returns, like the library's
// tasks. With a delay it is returned queued and, in the background, turns
// running after a tenth of the delay, reports info.progress 10…90 in tenths,
// and completes when the delay is over: the stages vCenter shows, each one a
// registry update so WaitForUpdatesEx observers see them.
func runTask(entity types.ManagedObjectReference, method string, delay time.Duration, work taskWork) types.ManagedObjectReference {
	step := delay / progressSteps
	task := simulator.CreateTask(entity, taskName(method), func(t *simulator.Task) (types.AnyType, types.BaseMethodFault) {
		if delay > 0 {
			for i := 1; i < progressSteps; i++ {
				simulator.Map.Update(t, []types.PropertyChange{{Name: "info.progress", Val: int32(i * 100 / progressSteps)}})
				time.Sleep(step)
			}
		}
		return safely(method, work)
	})
	if delay <= 0 {
		return task.Run()
	}
	go func() {
		time.Sleep(step)
		task.Run()
	}()
	return task.Self
}

// taskName gives the library's naming: CloneVM_Task → "cloneVm" (TaskInfo.name "CloneVm").
func taskName(method string) string {
	name := strings.Replace(strings.TrimSuffix(method, "_Task"), "VM", "Vm", 1)
	if name == "" {
		return "task"
	}
	return strings.ToLower(name[:1]) + name[1:]
}

// safely runs work, turning a panic into a SystemError task fault instead of
// killing the simulator (a background task has no HTTP handler to recover it).
func safely(method string, work taskWork) (result types.AnyType, fault types.BaseMethodFault) {
	defer func() {
		if p := recover(); p != nil {
			logf("panic in %s task: %v\n%s", method, p, debug.Stack())
			result, fault = nil, &types.SystemError{Reason: fmt.Sprintf("simulator panic: %v", p)}
		}
	}()
	return work()
}
