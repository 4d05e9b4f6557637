"""Lambda handlers, packaged one file per function (see components/lambda_function.py).

Each module is self-contained (standard library and boto3 only) because it is uploaded alone.
"""
