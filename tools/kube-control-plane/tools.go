//go:build tools

// The binaries scripts/services/kubernetes.sh builds; importing them keeps `go mod tidy` from
// dropping their dependencies. kwok is built separately (`go install sigs.k8s.io/kwok/cmd/kwok@v0.8.0`):
// it pins its own k8s.io module versions, which this module's replace block would override.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
