"""What SageMaker runs: the containers of every model (its primary container and
each container of an inference pipeline)."""

from __future__ import annotations

from typing import Any

from ecrctl.usage.calls import ServiceScan
from ecrctl.usage.model import Reference, User, references_to


class ModelScan(ServiceScan):
    """One region's SageMaker models."""

    prefix = "sagemaker"

    def run(self) -> list[Reference]:
        listed = self.items("list_models", "Models")
        self.scope.models += len(listed)
        described = self.calls.map("SageMaker models", self._describe, listed)
        found = []
        for model in described:
            if not model:
                continue
            containers = [model.get("PrimaryContainer") or {}, *(model.get("Containers") or [])]
            user = User(
                "sagemaker-model",
                str(model.get("ModelName")),
                str(model.get("ModelArn", "")),
                where=self.calls.where,
            )
            found += references_to(user, [str(c["Image"]) for c in containers if c.get("Image")])
        return found

    def _describe(self, model: dict[str, Any]) -> dict[str, Any]:
        return self.call("describe_model", ModelName=model["ModelName"])
