"""Repository policies and IAM policies: validation, an access explainer,
templates from the ECR user guide, and policy edits over an ECR client.

Pure Python; botocore is imported only where the ECR action list is needed.
"""
