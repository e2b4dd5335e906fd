#!/usr/bin/env bash
# Stages the files of flowwatch's container image under TARGET/image/rootfs; Jib (./mvnw -Pimage, pom.xml) adds that
# directory as the image's layers. Run by the image profile in the package phase, after Quarkus has built
# TARGET/quarkus-app:
#   deploy/image/rootfs.sh TARGET BASE JAVA_HOME
# BASE is the image Jib starts from (-Djib.from.image, default scratch). On scratch nothing else is there, so this
# adds what the JVM needs to run:
#   /opt/java          a JRE made by jlink from JAVA_HOME (a JDK 17 with jmods) with only the modules below
#   /lib, /lib64, /usr/lib/x86_64-linux-gnu
#                      the shared libraries that JRE and the native code of flowwatch's dependencies load, from
#                      Debian's packages (apt-get download, dpkg-deb -x; no Docker engine, no registry):
#                        libc6      libc.so.6, libm.so.6, the dynamic loader ld-linux-x86-64.so.2, libpthread.so.0:
#                                   every native library (java, libjvm.so, libjava.so, libnet.so, zstd-jni, snappy)
#                        libgcc-s1  libgcc_s.so.1: libjvm.so, libjimage.so, Brotli4j's libbrotli.so
#                        libstdc++6 libstdc++.so.6: libjvm.so, libjimage.so, Brotli4j's libbrotli.so
#                        zlib1g     libz.so.1: bin/java, libjli.so, libzip.so (jars are zip files)
#   /etc/passwd, /etc/group   root and the user flowwatch runs as (uid and gid 185, no shell, no password)
#   /etc/nsswitch.conf, /etc/hosts   name lookups from files, then DNS (Kubernetes mounts its own hosts file)
#   /tmp               where native libraries are unpacked (world-writable; mount an emptyDir over it)
# On any other base (e.g. -Djib.from.image=eclipse-temurin:17-jre) the base brings Java, its libraries and its users:
# only the application is staged. Either way the application is the Quarkus fast-jar, in /deployments.
set -euo pipefail

TARGET=${1:?usage: rootfs.sh TARGET BASE JAVA_HOME}
BASE=${2:?usage: rootfs.sh TARGET BASE JAVA_HOME}
JDK=${3:?usage: rootfs.sh TARGET BASE JAVA_HOME}

# The JRE's modules: jdeps --print-module-deps over the application's jars gives java.base, java.desktop (only
# java.beans, which Jackson, SnakeYAML and Jakarta EL look up; no AWT), java.naming, java.net.http, java.rmi
# (jakarta.transaction), java.security.jgss and java.security.sasl (Kafka's SASL), java.sql, jdk.management (JVM
# metrics) and jdk.unsupported (Netty, JCTools); it also names jdk.compiler, needed only by Vert.x's code generator at
# build time, left out. Added because they are found at run time, not linked: jdk.crypto.ec (elliptic-curve TLS: JWKS
# over https, Kafka over TLS), jdk.zipfs (zip file systems). ImageTarballCheck starts flowwatch on this JRE.
MODULES=java.base,java.desktop,java.naming,java.net.http,java.rmi,java.security.jgss,java.security.sasl,java.sql
MODULES+=,jdk.crypto.ec,jdk.management,jdk.unsupported,jdk.zipfs
# java.desktop's native libraries for windows, fonts, images, colour profiles and sound: never loaded by a headless
# server, and they would need X11, FreeType, libjpeg, LCMS and ALSA from Debian too.
EXCLUDED_LIBS='**/libawt_xawt.so,**/libjawt.so,**/libfontmanager.so,**/libjavajpeg.so,**/libsplashscreen.so'
EXCLUDED_LIBS+=',**/liblcms.so,**/libjsound.so'
DEBIAN_PACKAGES=(libc6 libgcc-s1 libstdc++6 zlib1g)

IMAGE=$TARGET/image
ROOTFS=$IMAGE/rootfs
APP=$TARGET/quarkus-app

[ -f "$APP/quarkus-run.jar" ] || { echo "rootfs.sh: $APP/quarkus-run.jar is missing (quarkus:build runs first)" >&2; exit 1; }
rm -rf "$ROOTFS"
mkdir -p "$ROOTFS/deployments"
cp -r "$APP/quarkus-run.jar" "$APP/lib" "$APP/app" "$APP/quarkus" "$ROOTFS/deployments/"

if [ "$BASE" != scratch ]; then
  echo "rootfs.sh: base image $BASE brings Java; staged the application only"
  exit 0
fi

arch=$(dpkg --print-architecture)
[ "$arch" = amd64 ] || { echo "rootfs.sh: the scratch image is built for amd64, this machine is $arch; use -Djib.from.image=eclipse-temurin:17-jre" >&2; exit 1; }
grep -q '^JAVA_VERSION="17[."]' "$JDK/release" \
  || { echo "rootfs.sh: $JDK is not a JDK 17 (its release file: $(grep JAVA_VERSION "$JDK/release"))" >&2; exit 1; }
[ -d "$JDK/jmods" ] || { echo "rootfs.sh: $JDK has no jmods/ for jlink (Debian: openjdk-17-jdk-headless)" >&2; exit 1; }

echo "rootfs.sh: jlink $MODULES"
mkdir -p "$ROOTFS/opt"
"$JDK/bin/jlink" --add-modules "$MODULES" --exclude-files "$EXCLUDED_LIBS" \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$ROOTFS/opt/java"

# Debian packages: the versions this machine has installed (the JDK's native code was linked against them), else the
# candidate apt knows (after apt-get update). Downloaded once into TARGET/image/debs.
DEBS=$IMAGE/debs
mkdir -p "$DEBS"
for package in "${DEBIAN_PACKAGES[@]}"; do
  if ! ls "$DEBS/${package}_"*.deb >/dev/null 2>&1; then
    installed=$(dpkg-query -W -f='${Version}' "$package:$arch" 2>/dev/null || true)
    echo "rootfs.sh: apt-get download $package${installed:+=$installed}"
    (cd "$DEBS" && { { [ -n "$installed" ] && apt-get download -q "$package:$arch=$installed"; } \
      || apt-get download -q "$package:$arch"; }) \
      || { echo "rootfs.sh: cannot download Debian package $package (run apt-get update first)" >&2; exit 1; }
  fi
  dpkg-deb -x "$DEBS/${package}_"*.deb "$IMAGE/debian"
done
# Only the shared libraries (and the loader's link in /lib64): no documentation, locales, character-set converters
# (gconv: Java converts characters itself) or tools.
mkdir -p "$ROOTFS/lib64" "$ROOTFS/lib/x86_64-linux-gnu" "$ROOTFS/usr/lib/x86_64-linux-gnu"
cp -a "$IMAGE/debian/lib64/." "$ROOTFS/lib64/" 2>/dev/null || cp -a "$IMAGE/debian/usr/lib64/." "$ROOTFS/lib64/"
for dir in lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu; do
  [ -d "$IMAGE/debian/$dir" ] || continue
  find "$IMAGE/debian/$dir" -maxdepth 1 \( -name '*.so' -o -name '*.so.*' \) -exec cp -a {} "$ROOTFS/$dir/" \;
done

# Jib copies what a symbolic link points to on this machine: replace each link by a copy of its target inside the
# image (the loader's /lib64 link is absolute).
while IFS= read -r link; do
  target=$(readlink "$link")
  case "$target" in
    /*) resolved=$ROOTFS$target ;;
    *) resolved=$(dirname "$link")/$target ;;
  esac
  [ -e "$resolved" ] || { echo "rootfs.sh: $link points to $target, not in the image" >&2; exit 1; }
  cp --remove-destination -L "$resolved" "$link"
done < <(find "$ROOTFS" -type l)

# Every library the image's native code needs is in it: a missing one would fail only when first loaded.
available=$(find "$ROOTFS" -name '*.so*' -printf '%f\n' | sort -u)
missing=""
while IFS= read -r elf; do
  for needed in $(readelf -d "$elf" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    grep -qxF "$needed" <<<"$available" || missing+="$elf needs $needed"$'\n'
  done
done < <(find "$ROOTFS/opt" "$ROOTFS/lib" "$ROOTFS/usr" -type f \( -name '*.so*' -o -path '*/bin/*' \))
[ -z "$missing" ] || { printf 'rootfs.sh: shared libraries missing from the image:\n%s' "$missing" >&2; exit 1; }

mkdir -p "$ROOTFS/etc" "$ROOTFS/tmp"
cat >"$ROOTFS/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
flowwatch:x:185:185:flowwatch:/deployments:/sbin/nologin
PASSWD
cat >"$ROOTFS/etc/group" <<'GROUP'
root:x:0:
flowwatch:x:185:
GROUP
cat >"$ROOTFS/etc/nsswitch.conf" <<'NSS'
passwd: files
group: files
hosts: files dns
NSS
cat >"$ROOTFS/etc/hosts" <<'HOSTS'
127.0.0.1 localhost
::1 localhost ip6-localhost ip6-loopback
HOSTS
echo "rootfs.sh: staged $(du -sh "$ROOTFS" | cut -f1) in $ROOTFS"
