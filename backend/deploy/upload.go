package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// upload puts the artifacts into the new release: a file whose content the previous
// release has already (same sha256 and size) is hard-linked from it on the host, every
// other one is sent, with progress reported as bytes done of the total to send.
func (d *run) upload(ctx context.Context) bool {
	prev, _ := d.st.find(d.res.Previous)
	if p, ok := d.st.lastHealthy(""); ok && prev.Name == "" {
		prev = p
	}
	var send []Artifact
	for _, a := range d.spec.Artifacts {
		d.res.TotalBytes += a.Size
		if !d.linkSame(prev, a) {
			send = append(send, a)
		}
	}
	total := int64(0)
	for _, a := range send {
		total += a.Size
	}
	d.progress(0, total)
	var done int64
	for _, a := range send {
		if err := ctx.Err(); err != nil {
			return d.fail(StepUpload, "the deploy was cancelled during the upload: %v", err)
		}
		if err := d.send(ctx, a, func(n int64) { done += n; d.progress(done, total) }); err != nil {
			return d.fail(StepUpload, "upload %s to %s: %v", a.Path, d.h, err)
		}
		d.res.Uploaded++
		d.res.UploadedBytes += a.Size
	}
	d.step(StepUpload, StepPassed, fmt.Sprintf("%d sent (%d bytes), %d unchanged and linked", d.res.Uploaded, d.res.UploadedBytes, d.res.Linked))
	return true
}

// progress reports the upload's bytes.
func (d *run) progress(done, total int64) {
	if d.rep != nil {
		d.rep.Step(StepEvent{Name: StepUpload, Status: StepRunning, Done: done, Total: total})
	}
}

// linkSame hard-links a from the release prev when prev has the same content.
func (d *run) linkSame(prev Release, a Artifact) bool {
	f, ok := prev.Files[a.Path]
	if !ok || f.SHA256 != a.SHA256 || f.Size != a.Size || f.Mode != mode(a) {
		return false
	}
	src, dst := d.l.release(prev.Name)+"/"+a.Path, d.l.release(d.res.Release)+"/"+a.Path
	if info, err := d.h.Stat(src); err != nil || info.Size() != a.Size {
		return false // gone, or changed in place since: send it
	}
	if err := d.h.MkdirAll(path.Dir(dst), 0o755); err != nil {
		return false
	}
	if err := d.h.Link(src, dst); err != nil {
		return false // the previous copy is gone or the host cannot link: send it
	}
	d.res.Linked++
	return true
}

// mode is the permission bits an artifact gets on the target.
func mode(a Artifact) fs.FileMode {
	if a.Mode == 0 {
		return 0o755
	}
	return a.Mode.Perm()
}

// send copies one artifact to the new release.
func (d *run) send(ctx context.Context, a Artifact, sent func(int64)) error {
	if strings.HasPrefix(a.Path, "/") || strings.Contains("/"+a.Path+"/", "/../") {
		return fmt.Errorf("the artifact path %q leaves the release directory", a.Path)
	}
	dst := d.l.release(d.res.Release) + "/" + a.Path
	if err := d.h.MkdirAll(path.Dir(dst), 0o755); err != nil {
		return err
	}
	src, err := a.Open()
	if err != nil {
		return err
	}
	defer src.Close()
	w, err := d.h.Create(dst, mode(a))
	if err != nil {
		return err
	}
	_, err = io.Copy(w, &countingReader{ctx: ctx, r: src, n: sent})
	return errors.Join(err, w.Close())
}

// countingReader reports what it reads and stops when ctx is done.
type countingReader struct {
	ctx context.Context
	r   io.Reader
	n   func(int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(p)
	if n > 0 {
		c.n(int64(n))
	}
	return n, err
}

// link links the shared paths into the new release, writes its env file (0600) and
// records it in the target's state, not yet healthy.
func (d *run) link() bool {
	d.step(StepLink, StepRunning, "")
	rel := d.l.release(d.res.Release)
	for _, s := range d.spec.Shared {
		shared := d.l.shared() + "/" + s
		if err := d.h.MkdirAll(path.Dir(shared), 0o755); err != nil {
			return d.fail(StepLink, "make %s on %s: %v", path.Dir(shared), d.h, err)
		}
		d.h.RemoveAll(rel + "/" + s)
		if err := d.h.MkdirAll(path.Dir(rel+"/"+s), 0o755); err != nil {
			return d.fail(StepLink, "make %s on %s: %v", path.Dir(rel+"/"+s), d.h, err)
		}
		if err := d.h.Symlink(shared, rel+"/"+s); err != nil {
			return d.fail(StepLink, "link %s into the release on %s: %v", s, d.h, err)
		}
	}
	if err := d.h.WriteFile(d.l.envFile(d.res.Release), envFile(d.vars(d.res.Release)), 0o600); err != nil {
		return d.fail(StepLink, "write the env file on %s: %v", d.h, err)
	}
	files := map[string]File{}
	for _, a := range d.spec.Artifacts {
		files[a.Path] = File{SHA256: a.SHA256, Size: a.Size, Mode: mode(a)}
	}
	d.st.Releases = append(d.st.Releases, Release{Name: d.res.Release, Version: d.spec.Version, Commit: d.spec.Commit,
		DeployedAt: d.started.UTC(), Port: d.port, Files: files})
	if err := writeState(d.h, d.l, d.st); err != nil {
		return d.fail(StepLink, "record the release on %s: %v", d.h, err)
	}
	d.h.RemoveAll(d.l.uploading(d.res.Release)) // recorded: no longer a leftover
	d.step(StepLink, StepPassed, fmt.Sprintf("%d shared, env file written", len(d.spec.Shared)))
	return true
}
