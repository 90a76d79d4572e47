package topology

// The file format: every field is optional, a missing one keeps its default.
// Field names in the file are the yaml tags below.

type fileTopology struct {
	Project  *string       `yaml:"project"`
	Networks *fileNetworks `yaml:"networks"`
	Redis    *fileRedis    `yaml:"redis"`
	Web      *fileWeb      `yaml:"web"`
	HAProxy  *fileHAProxy  `yaml:"haproxy"`
	Images   *fileImages   `yaml:"images"`
}

type fileNetworks struct {
	Front *fileNetwork `yaml:"front"`
	Back  *fileNetwork `yaml:"back"`
}

type fileNetwork struct {
	Name     *string `yaml:"name"`
	Internal *bool   `yaml:"internal"`
	Subnet   *string `yaml:"subnet"`
}

type fileRedis struct {
	Replicas           *int    `yaml:"replicas"`
	Sentinels          *int    `yaml:"sentinels"`
	Quorum             *int    `yaml:"quorum"`
	MasterName         *string `yaml:"master_name"`
	Port               *int    `yaml:"port"`
	SentinelPort       *int    `yaml:"sentinel_port"`
	DownAfter          *string `yaml:"down_after"`
	FailoverTimeout    *string `yaml:"failover_timeout"`
	ParallelSyncs      *int    `yaml:"parallel_syncs"`
	MinReplicasToWrite *int    `yaml:"min_replicas_to_write"`
	MinReplicasMaxLag  *string `yaml:"min_replicas_max_lag"`
	AppendOnly         *bool   `yaml:"appendonly"`
	MaxMemory          *string `yaml:"maxmemory"`
}

type fileWeb struct {
	Port            *int          `yaml:"port"`
	Apps            []fileWebApp  `yaml:"apps"`
	MaxValueBytes   *int64        `yaml:"max_value_bytes"`
	DurableReplicas *int          `yaml:"durable_replicas"`
	DurableTimeout  *string       `yaml:"durable_timeout"`
	RequestTimeout  *string       `yaml:"request_timeout"`
	Redis           *fileWebRedis `yaml:"redis"`
}

type fileWebRedis struct {
	DialTimeout  *string `yaml:"dial_timeout"`
	ReadTimeout  *string `yaml:"read_timeout"`
	WriteTimeout *string `yaml:"write_timeout"`
	Retries      *int    `yaml:"retries"`
}

type fileWebApp struct {
	Name     *string `yaml:"name"`
	HostPort *int    `yaml:"host_port"`
}

type fileHAProxy struct {
	Bind       *string       `yaml:"bind"`
	Port       *int          `yaml:"port"`
	StatsURI   *string       `yaml:"stats_uri"`
	Check      *fileCheck    `yaml:"check"`
	Retries    *int          `yaml:"retries"`
	Timeout    *fileTimeouts `yaml:"timeout"`
	HealthPath *string       `yaml:"health_path"`
	MaxConn    *int          `yaml:"maxconn"`
}

type fileCheck struct {
	Inter *string `yaml:"inter"`
	Rise  *int    `yaml:"rise"`
	Fall  *int    `yaml:"fall"`
}

type fileTimeouts struct {
	Connect *string `yaml:"connect"`
	Client  *string `yaml:"client"`
	Server  *string `yaml:"server"`
}

type fileImages struct {
	Redis    *string `yaml:"redis"`
	Sentinel *string `yaml:"sentinel"`
	HAProxy  *string `yaml:"haproxy"`
	Web      *string `yaml:"web"`
}
