// Package labels names the labels hactl puts on everything it creates.
// Labels are hactl's only state: every command finds a stack's containers,
// networks and volumes through them. The compose label set makes
// `docker compose -p <project> ps|logs|down` see hactl's containers too.
package labels

// The compose label set.
const (
	Project         = "com.docker.compose.project"
	Service         = "com.docker.compose.service"
	ContainerNumber = "com.docker.compose.container-number"
	OneOff          = "com.docker.compose.oneoff"
	ConfigHash      = "com.docker.compose.config-hash"
	Version         = "com.docker.compose.version"
	Network         = "com.docker.compose.network"
	Volume          = "com.docker.compose.volume"
)

// hactl's own labels.
const (
	// Managed marks every object hactl made.
	Managed = "io.hactl.managed"
	// Role is the service's role: redis, sentinel, web, haproxy.
	Role = "io.hactl.role"
	// InitialRole is redis's role at creation: master or replica. The live
	// role comes from Redis itself.
	InitialRole = "io.hactl.initial-role"
	// ImageSource is the hash of what an image was built from.
	ImageSource = "io.hactl.image-source"
	// ImageKind says which hactl image an image is.
	ImageKind = "io.hactl.image-kind"
)

// Roles.
const (
	RoleRedis    = "redis"
	RoleSentinel = "sentinel"
	RoleWeb      = "web"
	RoleHAProxy  = "haproxy"
)

// ForProject selects everything of one project.
func ForProject(project string) map[string]string {
	return map[string]string{Project: project}
}
