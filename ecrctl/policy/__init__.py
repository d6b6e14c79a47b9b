"""Repository policies and IAM policies: validation, an access explainer,
templates from the ECR user guide, and policy edits over an ECR client.

``repo`` holds the workflows over ECR (get, set, delete, statement edits,
explain); ``statement`` builds add-statement's statement; ``validate`` (with
``report``, ``statement_checks``, ``principal_checks``, ``condition_checks``)
checks a policy; ``explain`` evaluates one offline; ``templates`` (repository
policies) and ``iam`` (IAM policies) share the records of ``catalog``.

Pure Python; botocore is imported only where the ECR action list is needed.
"""
