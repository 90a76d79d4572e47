#!/usr/bin/env bash
# Installs what hactl's tests need on a Debian host: a running Docker engine,
# docker-compose (to check rendered compose files), debootstrap (to build the
# base image), redis-server and the Flask packages (for the web apps' tests
# against real servers). Installs only what is missing.
set -euo pipefail

need=()
command -v docker >/dev/null || need+=(docker.io)
command -v docker-compose >/dev/null || need+=(docker-compose)
command -v debootstrap >/dev/null || [ -x /usr/sbin/debootstrap ] || need+=(debootstrap)
command -v redis-server >/dev/null || need+=(redis-server)
command -v make >/dev/null || need+=(make)
/usr/bin/python3 -c 'import flask, redis' 2>/dev/null || need+=(python3-flask python3-redis)
/usr/bin/python3 -c 'import gunicorn' 2>/dev/null || need+=(gunicorn)

if [ ${#need[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "missing ${need[*]}: install them or run as root" >&2
		exit 1
	fi
	echo "installing ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
	if [ "$(id -u)" != 0 ]; then
		echo "the Docker daemon does not answer and this user cannot start it" >&2
		exit 1
	fi
	echo "starting dockerd"
	(dockerd >/var/log/dockerd.log 2>&1 &)
	for _ in $(seq 1 60); do
		docker info >/dev/null 2>&1 && break
		sleep 1
	done
	docker info >/dev/null 2>&1 || { echo "dockerd did not start:" >&2; tail -20 /var/log/dockerd.log >&2; exit 1; }
fi
docker version --format 'docker engine {{.Server.Version}} (API {{.Server.APIVersion}})'
go version
