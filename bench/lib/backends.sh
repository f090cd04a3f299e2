# Sourced by bench/lb, bench/tls and bench/churn: one nginx serving a small static page on BACKENDS
# loopback ports from BACKEND_BASE+1, the same backends for every proxy in the run.
# Sets: ports (array), servers_haproxy and servers_nginx_upstream (config lines).
# Needs: WORK (a scratch directory the caller removes), BACKENDS, BACKEND_BASE.
start_nginx_backends() {
  mkdir -p "$WORK/www" "$WORK/tmp"
  printf 'hello from the bench backend\n' > "$WORK/www/index.html"
  local servers="" i port
  servers_haproxy=""
  servers_nginx_upstream=""
  ports=()
  for i in $(seq 1 "$BACKENDS"); do
    port=$((BACKEND_BASE + i))
    ports+=("$port")
    servers+="  server { listen 127.0.0.1:$port; root $WORK/www; access_log off; keepalive_requests 1000000; }"$'\n'
    servers_nginx_upstream+="    server 127.0.0.1:$port;"$'\n'
    servers_haproxy+="  server b$i 127.0.0.1:$port"$'\n'
  done
  cat > "$WORK/backend.conf" <<CONF
worker_processes 1;
pid $WORK/backend.pid;
error_log $WORK/backend-error.log;
daemon on;
events { worker_connections 4096; }
http {
  client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp; fastcgi_temp_path $WORK/tmp; uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
$servers}
CONF
  nginx -c "$WORK/backend.conf" -p "$WORK"
}

# HAProxy in plain HTTP on 127.0.0.1:$1 over servers_haproxy: nbthread = cores, round robin,
# connection reuse to the backends. Sets HAPROXY_PID.
start_haproxy() { # port
  cat > "$WORK/haproxy.cfg" <<CONF
global
  nbthread $(nproc)
  maxconn 8192
defaults
  mode http
  timeout connect 5s
  timeout client 50s
  timeout server 50s
  http-reuse always
frontend fe
  bind 127.0.0.1:$1
  default_backend be
backend be
  balance roundrobin
$servers_haproxy
CONF
  haproxy -f "$WORK/haproxy.cfg" -q &
  HAPROXY_PID=$!
}
