"""Make a new Ed25519 signing key for credentials (set CREDENTIAL_SIGNING_KEY to it), or with
--development make and keep this machine's development key once."""

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.management import BaseCommand, CommandError

from credentials.keys import DEVELOPMENT_KEY_FILE, new_private_multikey, public_multikey, signing_key
from credentials.multibase import multikey_decode


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--development",
            action="store_true",
            help=f"With DEBUG on: make the key kept in {DEVELOPMENT_KEY_FILE} if there is none, and name it.",
        )

    def handle(self, *args, development: bool, **options):
        if development:
            if not settings.DEBUG:
                raise CommandError("--development is for DEBUG only: production takes CREDENTIAL_SIGNING_KEY.")
            self.stdout.write(f"Credentials are signed by {public_multikey(signing_key())}")
            return
        private = new_private_multikey()
        public = public_multikey(Ed25519PrivateKey.from_private_bytes(multikey_decode(private, private=True)))
        self.stdout.write(f"CREDENTIAL_SIGNING_KEY={private}\n")
        self.stdout.write(
            f"# Its public Multikey, for CREDENTIAL_RETIRED_KEYS once a newer key replaces it: {public}\n"
        )
