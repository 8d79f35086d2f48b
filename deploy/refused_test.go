package deploy

import "testing"

func TestRefusedErrorText(t *testing.T) {
	for _, c := range []struct {
		err  RefusedError
		want string
	}{
		{RefusedError{Code: "P3005", Msg: "not empty", Next: "baseline it"}, "not empty (Prisma error P3005): baseline it"},
		{RefusedError{Code: "P3009", Msg: "failed", Next: "\nlogs\nEither"}, "failed (Prisma error P3009):\nlogs\nEither"},
		{RefusedError{Msg: "drifted (1 difference)", Next: "nothing was applied"}, "drifted (1 difference): nothing was applied"},
		{RefusedError{Msg: "alone"}, "alone"},
	} {
		if got := c.err.Error(); got != c.want {
			t.Errorf("Error() = %q, want %q", got, c.want)
		}
	}
}
