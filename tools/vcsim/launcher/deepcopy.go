package main

import "reflect"

// deepCopy returns a copy of v sharing no pointers, slices, maps or interface
// values with it. Needed because the library's CloneVM_Task hands the source's
// device objects to the clone (and mutates them) instead of copying them.
func deepCopy[T any](v T) T {
	src := reflect.ValueOf(&v).Elem()
	out, _ := copyValue(src).Interface().(T)
	return out
}

func copyValue(src reflect.Value) reflect.Value {
	switch src.Kind() {
	case reflect.Ptr:
		if src.IsNil() {
			return reflect.Zero(src.Type())
		}
		dst := reflect.New(src.Type().Elem())
		dst.Elem().Set(copyValue(src.Elem()))
		return dst
	case reflect.Interface:
		if src.IsNil() {
			return reflect.Zero(src.Type())
		}
		dst := reflect.New(src.Type()).Elem()
		dst.Set(copyValue(src.Elem()))
		return dst
	case reflect.Struct:
		dst := reflect.New(src.Type()).Elem()
		dst.Set(src)
		for i := 0; i < src.NumField(); i++ {
			// unexported fields (e.g. inside time.Time) keep the shallow copy
			if dst.Field(i).CanSet() {
				dst.Field(i).Set(copyValue(src.Field(i)))
			}
		}
		return dst
	case reflect.Slice:
		if src.IsNil() {
			return reflect.Zero(src.Type())
		}
		dst := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := 0; i < src.Len(); i++ {
			dst.Index(i).Set(copyValue(src.Index(i)))
		}
		return dst
	case reflect.Map:
		if src.IsNil() {
			return reflect.Zero(src.Type())
		}
		dst := reflect.MakeMapWithSize(src.Type(), src.Len())
		iter := src.MapRange()
		for iter.Next() {
			dst.SetMapIndex(copyValue(iter.Key()), copyValue(iter.Value()))
		}
		return dst
	default:
		return src
	}
}
