package portable

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"golang.org/x/crypto/ssh"
)

func newKey(t *testing.T, comment string) hostKey {
	t.Helper()
	key, err := generateHostKey(rand.Reader, comment)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func TestHostKeyPrivateKeyParsesBackToThePublicKey(t *testing.T) {
	for _, comment := range []string{"", "web-1.example.com host key"} {
		key := newKey(t, comment)
		if !strings.HasPrefix(key.privateOpenSSH, "-----BEGIN OPENSSH PRIVATE KEY-----\n") ||
			!strings.HasSuffix(key.privateOpenSSH, "-----END OPENSSH PRIVATE KEY-----\n") {
			t.Fatalf("not an OpenSSH private key:\n%s", key.privateOpenSSH)
		}
		raw, err := ssh.ParseRawPrivateKey([]byte(key.privateOpenSSH))
		if err != nil {
			t.Fatalf("ParseRawPrivateKey: %v", err)
		}
		priv, ok := raw.(*ed25519.PrivateKey)
		if !ok {
			t.Fatalf("parsed a %T, not an ed25519 key", raw)
		}
		signer, err := ssh.NewSignerFromKey(*priv)
		if err != nil {
			t.Fatal(err)
		}
		want := strings.TrimSuffix(string(ssh.MarshalAuthorizedKey(signer.PublicKey())), "\n")
		if comment != "" {
			want += " " + comment
		}
		if key.public != want {
			t.Errorf("public_key %q, the private key's is %q", key.public, want)
		}
		if !strings.HasPrefix(key.public, "ssh-ed25519 AAAA") || strings.Contains(key.public, "\n") {
			t.Errorf("public_key %q is not one authorized_keys line", key.public)
		}
		// The public key parses as an authorized_keys line, with its comment.
		parsed, gotComment, _, rest, err := ssh.ParseAuthorizedKey([]byte(key.public))
		if err != nil || len(rest) != 0 || gotComment != comment || string(parsed.Marshal()) != string(signer.PublicKey().Marshal()) {
			t.Errorf("ParseAuthorizedKey(%q) = comment %q, rest %q, err %v", key.public, gotComment, rest, err)
		}
		if key.fingerprint != ssh.FingerprintSHA256(signer.PublicKey()) || !strings.HasPrefix(key.fingerprint, "SHA256:") {
			t.Errorf("fingerprint %q, want %q", key.fingerprint, ssh.FingerprintSHA256(signer.PublicKey()))
		}
	}
}

// ssh-keygen, OpenSSH's own tool, reads the private key and derives the same public key (and comment).
// In CI it must be installed; elsewhere the test is skipped without it.
func TestHostKeySSHKeygenDerivesTheSamePublicKey(t *testing.T) {
	keygen, err := exec.LookPath("ssh-keygen")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ssh-keygen is not installed, and CI=true: install openssh-client")
		}
		t.Skip("ssh-keygen is not installed")
	}
	for _, comment := range []string{"", "web-1"} {
		key := newKey(t, comment)
		file := filepath.Join(t.TempDir(), "ssh_host_ed25519_key")
		if err := os.WriteFile(file, []byte(key.privateOpenSSH), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(keygen, "-y", "-f", file).CombinedOutput()
		if err != nil {
			t.Fatalf("ssh-keygen -y: %v\n%s", err, out)
		}
		derived := strings.TrimSpace(string(out))
		// OpenSSH before 8.9 prints no comment with -y; newer ones print the key file's.
		if fields := strings.Fields(key.public); derived != key.public && derived != strings.Join(fields[:2], " ") {
			t.Errorf("ssh-keygen -y printed %q, public_key is %q", derived, key.public)
		}
		out, err = exec.Command(keygen, "-l", "-E", "sha256", "-f", file).CombinedOutput()
		if err != nil {
			t.Fatalf("ssh-keygen -l: %v\n%s", err, out)
		}
		if fields := strings.Fields(string(out)); len(fields) < 2 || fields[1] != key.fingerprint {
			t.Errorf("ssh-keygen -l printed %q, fingerprint_sha256 is %q", out, key.fingerprint)
		}
	}
}

func TestHostKeysDiffer(t *testing.T) {
	a, b := newKey(t, "same"), newKey(t, "same")
	if a.privateOpenSSH == b.privateOpenSSH || a.public == b.public || a.fingerprint == b.fingerprint {
		t.Fatal("two generated keys are the same")
	}
}

func TestHostKeyCommentMustBeOneLine(t *testing.T) {
	for _, comment := range []string{"a\nb", "a\rb"} {
		if _, err := generateHostKey(rand.Reader, comment); err == nil {
			t.Errorf("comment %q was accepted", comment)
		}
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("no entropy") }

func TestHostKeyReportsARandomFailure(t *testing.T) {
	if _, err := generateHostKey(failingReader{}, ""); err == nil || !strings.Contains(err.Error(), "no entropy") {
		t.Fatalf("got %v", err)
	}
}

// The schema as Terraform sees it: the private key sensitive, nothing updatable in place.
func TestHostKeySchema(t *testing.T) {
	ctx := context.Background()
	var resp resource.SchemaResponse
	newSSHHostKey().Schema(ctx, resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
		t.Fatal(diags)
	}
	attrs := resp.Schema.Attributes
	if len(attrs) != 5 {
		t.Fatalf("attributes: %v", attrs)
	}
	for name, attr := range attrs {
		s := attr.(schema.StringAttribute)
		if s.Required {
			t.Errorf("%s is required", name)
		}
		if s.Sensitive != (name == "private_key_openssh") {
			t.Errorf("%s: sensitive %v", name, s.Sensitive)
		}
		if len(s.PlanModifiers) != 1 {
			t.Errorf("%s: plan modifiers %v", name, s.PlanModifiers)
		}
		if name == "comment" {
			if !s.Optional || s.Computed {
				t.Errorf("comment: optional %v computed %v", s.Optional, s.Computed)
			}
		} else if !s.Computed || s.Optional {
			t.Errorf("%s: optional %v computed %v", name, s.Optional, s.Computed)
		}
	}
	var meta resource.MetadataResponse
	newSSHHostKey().Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "portable"}, &meta)
	if meta.TypeName != "portable_ssh_host_key" {
		t.Errorf("type name %q", meta.TypeName)
	}
}
