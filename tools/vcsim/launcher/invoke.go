package main

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/google/uuid"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// launcherSession is the identity of calls the emulation makes in process,
// e.g. a delayed task that runs after its caller's session has expired
// (vCenter finishes such tasks too).
var launcherSession = &simulator.Session{
	UserSession: types.UserSession{Key: uuid.New().String(), UserName: "vcsim-launcher"},
	Registry:    simulator.NewRegistry(),
}

// invoke calls a decoded method on the library's object the way the library's
// own dispatcher does (reflection, object lock held), minus HTTP and auth.
func invoke(method *simulator.Method) soap.HasFault {
	handler := simulator.Map.Get(method.This)
	if handler == nil {
		return faultResult(&types.ManagedObjectNotFound{Obj: method.This})
	}
	name := method.Name
	if strings.HasSuffix(name, "_Task") {
		name = strings.TrimSuffix(name, "_Task") + "Task"
	}
	m := reflect.ValueOf(handler).MethodByName(name)
	if !m.IsValid() {
		return faultResult(&types.MethodNotFound{Receiver: method.This, Method: method.Name})
	}
	this := method.This
	ctx := &simulator.Context{Context: context.Background(), Map: simulator.Map, Session: launcherSession, Caller: &this}
	var args []reflect.Value
	if m.Type().NumIn() == 2 {
		args = append(args, reflect.ValueOf(ctx))
	}
	args = append(args, reflect.ValueOf(method.Body))
	var out []reflect.Value
	simulator.Map.WithLock(handler, func() { out = m.Call(args) })
	res, ok := out[0].Interface().(soap.HasFault)
	if !ok {
		return faultResult(&types.SystemError{Reason: "method returned no SOAP body"})
	}
	return res
}

// invokeTask runs a *_Task method in process and returns its task's outcome.
func invokeTask(method *simulator.Method) (types.AnyType, types.BaseMethodFault) {
	res := invoke(method)
	if f := res.Fault(); f != nil {
		if fault, ok := f.VimFault().(types.BaseMethodFault); ok {
			return nil, fault
		}
		return nil, &types.SystemError{Reason: f.String}
	}
	ref, ok := returnval(res).(types.ManagedObjectReference)
	if !ok {
		return nil, &types.SystemError{Reason: fmt.Sprintf("%s returned no task", method.Name)}
	}
	return taskOutcome(ref)
}

// returnval digs Res.Returnval out of a methods.XxxBody.
func returnval(res soap.HasFault) any {
	body := reflect.ValueOf(res)
	if body.Kind() == reflect.Ptr {
		body = body.Elem()
	}
	r := body.FieldByName("Res")
	if !r.IsValid() || r.IsNil() {
		return nil
	}
	v := r.Elem().FieldByName("Returnval")
	if !v.IsValid() {
		return nil
	}
	return v.Interface()
}

type faultOnly struct{ fault *soap.Fault }

func (f faultOnly) Fault() *soap.Fault { return f.fault }

func faultResult(fault types.BaseMethodFault) soap.HasFault {
	return faultOnly{fault: simulator.Fault("", fault)}
}
