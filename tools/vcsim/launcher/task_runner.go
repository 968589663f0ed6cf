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
	task := simulator.CreateTask(entity, taskName(method), nil)
	if delay <= 0 {
		runLocked(task, method, work)
		return task.Self
	}
	step := delay / progressSteps
	go func() {
		time.Sleep(step)
		runLocked(task, method, func() (types.AnyType, types.BaseMethodFault) {
			for i := 1; i < progressSteps; i++ {
				update(task, types.PropertyChange{Name: "info.progress", Val: int32(i * 100 / progressSteps)})
				time.Sleep(step)
			}
			return work()
		})
	}()
	return task.Self
}

// runLocked does what the library's Task.Run does, but changes the task only
// while holding its lock: the PropertyCollector reads tasks under that lock,
// and our tasks change in the background while clients watch them.
func runLocked(task *simulator.Task, method string, work taskWork) {
	update(task,
		types.PropertyChange{Name: "info.startTime", Val: time.Now()},
		types.PropertyChange{Name: "info.state", Val: types.TaskInfoStateRunning},
	)
	result, fault := safely(method, work)
	state := types.TaskInfoStateSuccess
	var failure any
	if fault != nil {
		state = types.TaskInfoStateError
		failure = types.LocalizedMethodFault{Fault: fault, LocalizedMessage: fmt.Sprintf("%T", fault)}
	}
	update(task,
		types.PropertyChange{Name: "info.completeTime", Val: time.Now()},
		types.PropertyChange{Name: "info.state", Val: state},
		types.PropertyChange{Name: "info.result", Val: result},
		types.PropertyChange{Name: "info.error", Val: failure},
	)
}

func update(task *simulator.Task, changes ...types.PropertyChange) {
	simulator.Map.WithLock(task, func() { simulator.Map.Update(task, changes) })
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
