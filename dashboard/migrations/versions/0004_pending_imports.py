"""checked ledger uploads waiting for their confirm, shared by every server process

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pending_imports',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('streets', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('files', sa.LargeBinary(), nullable=True),
    sa.Column('result', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('token')
    )
    op.create_index('ix_pending_imports_owner', 'pending_imports', ['owner'], unique=False)
    op.create_index('ix_pending_imports_expires_at', 'pending_imports', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_pending_imports_expires_at', table_name='pending_imports')
    op.drop_index('ix_pending_imports_owner', table_name='pending_imports')
    op.drop_table('pending_imports')
