#!/usr/bin/env bash
# Uploading and deploying a 50 MB artifact over SSH on loopback: backend/sshx (SFTP with
# concurrent writes) and a whole backend/deploy deploy, against OpenSSH's scp of the same file.
#
# A file of SIZE random bytes (default 50,000,000), uploaded to a private sshd on 127.0.0.1
# (Debian's /usr/sbin/sshd, a config like backend/internal/sshdtest's, host key verified on
# both sides). RUNS rounds (default 7), each of:
#   scp             scp -q -i KEY -P PORT -o UserKnownHostsFile=… SRC user@127.0.0.1:DST
#                   (OpenSSH 9 scp speaks SFTP; one connection per copy; bench/timing.py)
#   sshx dial       BenchmarkUpload50MB/dial: Dial + Create + io.Copy + Close, a new
#                   connection each time, as scp makes one (ns/op, BENCHTIME per sample)
#   sshx connected  BenchmarkUpload50MB/connected: the upload alone, on an open connection
#                   (a deploy uploads all its files on one connection)
#   deploy first    BenchmarkDeploySSH50MB/First: a whole deploy of the file to a fresh target
#                   (connect, lock, upload, env file, switch, start, prune, unlock, audit log)
#   deploy again    BenchmarkDeploySSH50MB/Redeploy: the same artifact again: nothing is sent
# The Go benchmark starts its own sshd (backend/internal/sshdtest) with the same settings.
# Prints a markdown table of medians and their ratio to scp's. No timing assertions.
#
# Usage: bench/ssh-upload.sh                    (from anywhere in the repository; as root, or
#        RUNS=9 BENCHTIME=3x bench/ssh-upload.sh  with /run/sshd present)
# Needs: go, scp, ssh-keygen, /usr/sbin/sshd, awk. Writes only to a temp dir (and Go's cache).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cd "$bench_dir/.."
runs=${RUNS:-7}
size=${SIZE:-50000000}
benchtime=${BENCHTIME:-3x}
need_hint="build/scripts/deps.sh test installs openssh-server and openssh-client"
bench_need go scp ssh-keygen awk
[[ -x /usr/sbin/sshd ]] || { echo "$0: needs /usr/sbin/sshd ($need_hint)" >&2; exit 2; }
if [[ ! -d /run/sshd ]]; then
	[[ $(id -u) == 0 ]] || { echo "$0: sshd needs /run/sshd: sudo mkdir -p /run/sshd" >&2; exit 2; }
	mkdir -p /run/sshd
fi
bench_tmp

go test -c -o "$tmp/sshx.test" ./backend/sshx/
go test -c -o "$tmp/deploy.test" ./backend/deploy/
head -c "$size" /dev/urandom >"$tmp/src"

# A private sshd for scp.
port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ssh-keygen -q -t ed25519 -N '' -f "$tmp/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$tmp/client_key"
cp "$tmp/client_key.pub" "$tmp/authorized_keys"
mkdir "$tmp/home"
cat >"$tmp/sshd_config" <<EOF
HostKey $tmp/host_key
ListenAddress 127.0.0.1
Port $port
PidFile $tmp/sshd.pid
AuthorizedKeysFile $tmp/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowAgentForwarding no
Subsystem sftp internal-sftp
SetEnv "HOME=$tmp/home"
EOF
/usr/sbin/sshd -t -f "$tmp/sshd_config"
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$tmp/host_key.pub")" >"$tmp/known_hosts"
bench_start "$tmp" "$tmp/sshd.log" /usr/sbin/sshd -D -e -f "$tmp/sshd_config"
for ((i = 0; i < 100; i++)); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
	sleep 0.05
done
user=$(id -un)
scp_opts=(-q -i "$tmp/client_key" -P "$port" -o "UserKnownHostsFile=$tmp/known_hosts"
	-o StrictHostKeyChecking=yes -o BatchMode=yes -o IdentitiesOnly=yes)
scp "${scp_opts[@]}" "$tmp/src" "$user@127.0.0.1:$tmp/dst" || { cat "$tmp/sshd.log" >&2; exit 1; }

samples="$tmp/samples" # bench/timing.py's rows: label, round, wall ms
scp_cmd="scp $(for o in "${scp_opts[@]}"; do printf '%s ' "$(q "$o")"; done)$(q "$tmp/src") $(q "$user@127.0.0.1:$tmp/dst")"
time_sshx() { # ROUND: one sample of each sub-benchmark, from its ns/op
	(cd "$tmp" && SSHX_BENCH_FILE="$tmp/src" TMPDIR="$tmp" "$tmp/sshx.test" -test.run '^$' \
		-test.bench 'Upload50MB' -test.benchtime "$benchtime" -test.count 1) |
		awk -v round="$1" '/^BenchmarkUpload50MB\// {
			split($1, name, "[/-]"); label = "sshx-" name[2]
			for (i = 2; i < NF; i++) if ($(i + 1) == "ns/op") printf "%s\t%d\t%.3f\n", label, round, $i / 1e6
		}' >>"$samples"
}

time_deploy() { # ROUND: one sample of each deploy sub-benchmark, from its ns/op
	(cd "$tmp" && DEPLOY_BENCH_FILE="$tmp/src" TMPDIR="$tmp" "$tmp/deploy.test" -test.run '^$' \
		-test.bench 'DeploySSH50MB' -test.benchtime "$benchtime" -test.count 1) |
		awk -v round="$1" '/^BenchmarkDeploySSH50MB\// {
			split($1, name, "[/-]"); label = "deploy-" name[2]
			for (i = 2; i < NF; i++) if ($(i + 1) == "ns/op") printf "%s\t%d\t%.3f\n", label, round, $i / 1e6
		}' >>"$samples"
}

for ((r = 1; r <= runs; r++)); do
	bt time 1 "$samples" scp "$scp_cmd" 2>/dev/null
	time_sshx "$r"
	time_deploy "$r"
	echo "  round $r/$runs done" >&2
done

scp_ms=$(med scp)
row() { # LABEL TEXT
	local m
	m=$(med "$1")
	awk -v t="$2" -v m="$m" -v c="$scp_ms" -v r="$(bt range "$samples" "$1")" -v s="$size" \
		'BEGIN { printf "| %s | %.0f ms | %s ms | %.0f MB/s | %.2fx |\n", t, m, r, s / m / 1000, m / c }'
}

echo "Uploading $size random bytes over SSH on loopback; median of $runs rounds; $(machine); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| how | median | range | rate | vs scp |"
echo "|---|---:|---:|---:|---:|"
row scp '`scp` (OpenSSH 9, SFTP; connect + copy)'
row sshx-dial 'sshx: Dial + Create + io.Copy + Close'
row sshx-connected 'sshx: Create + io.Copy on an open connection'
row deploy-First 'deploy: the whole deploy to a fresh target'
row deploy-Redeploy 'deploy: the same artifact again (nothing sent)'
