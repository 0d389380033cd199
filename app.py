"""CDK entry point: `cdk synth -c stageName=dev` or, offline, `python app.py` (writes cdk.out)."""

import os

# jsii warns on every start that this machine's Node 20 is past end-of-life; the CDK still works.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from aws_cdk import App

from stacks.cdk_context import cdk_json_context
from stacks.leaderboard_app import build_stack


def main() -> None:
    """Synthesize into the CLI's output directory, or cdk.out when run directly."""
    # The CLI passes cdk.json's context too; its -c values still take precedence over these.
    app = App(outdir=None if "CDK_OUTDIR" in os.environ else "cdk.out", context=cdk_json_context())
    build_stack(app)
    app.synth()


if __name__ == "__main__":
    main()
