"""``ecrctl network``: the guide's private networking chapter (interface VPC
endpoints, the S3 gateway endpoint, the minimum S3 policy) checked against a VPC,
its subnets or an ECS service, and what is missing created.

facts.py reads EC2 and ECS, requirements.py and conditions.py judge those facts
(pure), plan.py and apply.py make what is missing.
"""
